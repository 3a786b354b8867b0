import type { OpenAPIObject } from '@nestjs/swagger';
import { API_KEY_HEADER, API_KEY_SCHEME, requiresApiKey } from './api-key';
import { isRateLimited } from './rate-limit.guard';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Declares the admin key in the OpenAPI document (Swagger UI's Authorize button sends it) and
 * marks every operation that needs it, with its 401 answer. Done on the finished document, so
 * routes added by any module are covered by the same rule the guard applies.
 */
export function documentApiKey(document: OpenAPIObject, protectReads: boolean): OpenAPIObject {
  document.components ??= {};
  document.components.securitySchemes = {
    ...document.components.securitySchemes,
    [API_KEY_SCHEME]: {
      type: 'apiKey',
      in: 'header',
      name: API_KEY_HEADER,
      description: 'The admin API key: ADMIN_API_KEY, or the key generated at first start into DATA_DIR/admin-api-key',
    },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      if (isRateLimited(path)) {
        operation.responses['429'] ??= {
          description: 'Too many requests from this client (RATE_LIMIT_MAX, and RATE_LIMIT_WRITE_MAX for changes, per RATE_LIMIT_WINDOW_S)',
        };
      }
      if (!requiresApiKey(method, openApiPathToExpress(path), protectReads)) continue;
      operation.security = [{ [API_KEY_SCHEME]: [] }];
      operation.responses['401'] ??= {
        description: `No or a wrong admin API key in ${API_KEY_HEADER}`,
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/ErrorResponseDto' },
            example: { statusCode: 401, message: `an admin API key is required: send it in the ${API_KEY_HEADER} header`, error: 'Unauthorized' },
          },
        },
      };
    }
  }
  return document;
}

/** `/people/{id}` → `/people/:id` (only the prefix matters to the rule). */
function openApiPathToExpress(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

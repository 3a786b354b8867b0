import type { OpenAPIObject } from '@nestjs/swagger';
import { AccessOptions, requirementFor } from './access-rule';
import { REQUIRED_ROLE_EXTENSION } from './admin-only.decorator';
import { API_KEY_HEADER, API_KEY_SCHEME, SESSION_SCHEME } from './api-key';
import { SESSION_COOKIE } from './cookies';
import { isRateLimited } from './rate-limit.guard';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const errorContent = (statusCode: number, error: string, message: string) => ({
  'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' }, example: { statusCode, message, error } },
});

/**
 * Declares the key and the session cookie in the OpenAPI document (Swagger UI's Authorize button
 * sends the key) and marks every operation with what it needs (the role in its description, 401
 * and 403 answers). Done on the finished document with the guard's own rule, so routes added by
 * any module are covered the same way.
 */
export function documentAccess(document: OpenAPIObject, options: AccessOptions): OpenAPIObject {
  document.components ??= {};
  document.components.securitySchemes = {
    ...document.components.securitySchemes,
    [API_KEY_SCHEME]: {
      type: 'apiKey',
      in: 'header',
      name: API_KEY_HEADER,
      description: 'The admin key (everything) or the viewer key (reads): ADMIN_API_KEY / VIEWER_API_KEY, or the files generated at first start into DATA_DIR',
    },
    [SESSION_SCHEME]: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The console session, set by POST /auth/login' },
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
      const adminOnly = (operation as unknown as Record<string, unknown>)[REQUIRED_ROLE_EXTENSION] === 'admin';
      const requirement = adminOnly ? 'admin' : requirementFor(method, openApiPathToExpress(path));
      if (requirement === 'public') continue;
      const open = options.publicReads && (requirement === 'read' || (requirement === 'metrics' && !options.metricsToken));
      const who = open ? 'anyone (PUBLIC_READS)' : requirement === 'write' || requirement === 'admin' ? 'admin' : requirement === 'metrics' ? 'METRICS_TOKEN, viewer or admin' : 'viewer or admin';
      operation.description = `${operation.description ? `${operation.description}\n\n` : ''}**Access:** ${who}.`;
      // What this server really asks for: with PUBLIC_READS, reads need nothing.
      if (open) continue;
      operation.security = [{ [API_KEY_SCHEME]: [] }, { [SESSION_SCHEME]: [] }];
      operation.responses['401'] ??= { description: 'No credentials, or a wrong key, session or link', content: errorContent(401, 'a viewer or admin API key (x-api-key) or a session is required: sign in at /login', 'Unauthorized') };
      if (requirement === 'write' || requirement === 'admin') {
        operation.responses['403'] ??= { description: 'A viewer cannot do this', content: errorContent(403, 'the viewer role can only read: changes need the admin key', 'Forbidden') };
      }
    }
  }
  return document;
}

/** `/people/{id}` → `/people/:id` (only the shape matters to the rule). */
function openApiPathToExpress(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

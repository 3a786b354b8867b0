import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import type { AppConfig } from '../config/app-config';
import { API_KEY_HEADER, apiKeyMatches, requiresApiKey } from './api-key';
import type { AdminKey } from './key-file';

export const ADMIN_KEY = Symbol('ADMIN_KEY');

/**
 * Global guard: a request that changes data (and, with PROTECT_READS, one that reads people or
 * the stream) must carry the admin key in `x-api-key`; otherwise 401 with a JSON body. Runs
 * before any interceptor, so a refused upload is never even parsed.
 */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  private readonly protectReads: boolean;

  constructor(
    @Inject(ADMIN_KEY) private readonly adminKey: AdminKey,
    config: ConfigService<AppConfig, true>,
  ) {
    this.protectReads = config.get('PROTECT_READS', { infer: true });
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (!requiresApiKey(request.method, request.path, this.protectReads)) return true;
    const given = request.headers[API_KEY_HEADER];
    if (apiKeyMatches(given, this.adminKey.key)) return true;
    throw new UnauthorizedException(
      given === undefined
        ? `an admin API key is required: send it in the ${API_KEY_HEADER} header`
        : `the API key in ${API_KEY_HEADER} is not valid`,
    );
  }
}

import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { requirementFor } from '../auth/access-rule';
import { ADMIN_ONLY } from '../auth/admin-only.decorator';
import { clientAddress, routeOf } from '../auth/request-auth';
import { AuditService } from './audit.service';

/** A request as the access guard leaves it (see request-auth.ts). */
type AuthenticatedRequest = Request & { auth?: { role?: string } };

/** Status recorded when the client went away before the answer was sent (nginx's convention). */
const CLIENT_CLOSED = 499;

/**
 * Global interceptor: records every admin action (a route that needs the admin key whatever
 * PROTECT_READS says: every change, and the admin-only reads such as an export) in the audit
 * log once its answer is sent, with the status it got. Requests the access guard refused never
 * get here: the guard announces them ('access.refused') and AuditService records them, rate-bounded.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly audit: AuditService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const adminOnly = this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, [context.getHandler(), context.getClass()]) === true;
    if (!isAdminAction(request.method, request.path, adminOnly)) return next.handle();
    const response = http.getResponse<Response>();
    response.once('close', () => {
      void this.audit.record({
        role: request.auth?.role ?? 'admin',
        ip: clientAddress(request),
        method: request.method.toUpperCase(),
        route: routeOf(request),
        path: request.path.slice(0, 256),
        status: response.writableFinished ? response.statusCode : CLIENT_CLOSED,
      });
    });
    return next.handle();
  }
}

/** An action only an admin may take: the access rule's changes, and the reads marked @AdminOnly(). */
export function isAdminAction(method: string, path: string, adminOnly: boolean): boolean {
  return adminOnly || requirementFor(method, path) === 'write';
}

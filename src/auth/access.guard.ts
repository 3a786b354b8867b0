import { CanActivate, ExecutionContext, ForbiddenException, Injectable, Optional, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { requirementFor } from './access-rule';
import { ADMIN_ONLY } from './admin-only.decorator';
import { AccessService } from './access.service';
import { cameOverHttps, clearedSessionCookie } from './cookies';
import { EventBus } from '../events/event-bus';
import { clientAddress, RequestWithAuth, routeOf } from './request-auth';

/** 401 for a request without valid credentials: a browser opening a page is sent to /login instead (SignInRedirectFilter). */
export class SignInRequiredException extends UnauthorizedException {
  constructor(
    message: string,
    readonly reason?: 'expired',
  ) {
    super(message);
  }
}

/**
 * Global guard: every HTTP request passes the access rule (see access-rule.ts) before any
 * interceptor or pipe, so a refused upload is never parsed. Leaves the caller on the request
 * (`request.auth`). Socket.IO is checked at its handshake (SocketAccessAdapter).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly access: AccessService,
    private readonly reflector: Reflector,
    // Optional: a test app built without the event bus still checks access (nothing is announced).
    @Optional() private readonly events?: EventBus,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request & RequestWithAuth>();
    const response = context.switchToHttp().getResponse<Response>();
    const adminOnly = this.reflector.getAllAndOverride<boolean | undefined>(ADMIN_ONLY, [context.getHandler(), context.getClass()]);
    const requirement = adminOnly ? 'admin' : requirementFor(request.method, request.path);
    const outcome = this.access.check({
      requirement,
      path: request.path,
      headers: request.headers,
      query: request.query as Record<string, unknown>,
    });
    if (outcome.clearCookie) response.append('Set-Cookie', clearedSessionCookie(cameOverHttps(request.secure, request.headers['x-forwarded-proto'])));
    if (outcome.caller) request.auth = { role: outcome.caller.role, via: outcome.caller.via, ...(outcome.allow && outcome.expires ? { expires: outcome.expires } : {}) };
    if (outcome.allow) {
      // A signed link is made for embedding on other sites (helmet's default allows same-origin only).
      if (outcome.caller.role === 'link') response.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      return true;
    }
    // A refused attempt at an admin route is worth an audit entry (the audit log bounds how many).
    if (requirement === 'write' || requirement === 'admin') {
      this.events?.emit('access.refused', {
        method: request.method.toUpperCase().slice(0, 8),
        route: routeOf(request),
        path: request.path.slice(0, 256),
        status: outcome.status,
        role: outcome.caller && outcome.caller.role !== 'anonymous' ? outcome.caller.role : 'none',
        ip: clientAddress(request),
      });
    }
    if (outcome.status === 403) throw new ForbiddenException(outcome.message);
    throw new SignInRequiredException(outcome.message, /expired/.test(outcome.message) ? 'expired' : undefined);
  }
}

import { ExecutionContext, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { AccessGuard, SignInRequiredException } from '../../src/auth/access.guard';
import { AccessService } from '../../src/auth/access.service';
import { MemorySessionRevocations } from '../../src/auth/session-revocations';
import { AdminOnly } from '../../src/auth/admin-only.decorator';
import type { AppConfig } from '../../src/config/app-config';
import type { AppEvents } from '../../src/events/app-events';
import { EventBus } from '../../src/events/event-bus';

const ADMIN = 'admin-key-0123456789abcdef';
const VIEWER = 'viewer-key-0123456789abcdef';

class AuditController {
  @AdminOnly()
  list(): void {}
  people(): void {}
}

function guard(publicReads = false, events = new EventBus()): AccessGuard {
  const values: Partial<AppConfig> = { PUBLIC_READS: publicReads, CORS_ORIGINS: '', SESSION_TTL_HOURS: 1 };
  const config = { get: (key: keyof AppConfig) => values[key] } as unknown as ConfigService<AppConfig, true>;
  return new AccessGuard(new AccessService({ adminKey: ADMIN, viewerKey: VIEWER, sessionSecret: 'secret-0123456789abcdef' }, config, new MemorySessionRevocations()), new Reflector(), events);
}

function context(method: string, path: string, handler: () => void, headers: Record<string, string> = {}) {
  const request: Record<string, unknown> = { method, path, headers, query: {}, secure: false, ip: '192.0.2.9' };
  const response = { append: jest.fn(), setHeader: jest.fn() };
  const ctx = {
    getType: () => 'http',
    getHandler: () => handler,
    getClass: () => AuditController,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ExecutionContext;
  return { ctx, request, response };
}

describe('AccessGuard', () => {
  const proto = AuditController.prototype;

  it('leaves the caller on the request for others (the audit log): role and how it was proven', () => {
    const { ctx, request } = context('GET', '/people', proto.people, { 'x-api-key': VIEWER });
    expect(guard().canActivate(ctx)).toBe(true);
    expect(request.auth).toEqual({ role: 'viewer', via: 'key' });
  });
  it('keeps an @AdminOnly read for admins, also with PUBLIC_READS', () => {
    expect(guard().canActivate(context('GET', '/audit', proto.list, { 'x-api-key': ADMIN }).ctx)).toBe(true);
    expect(() => guard(true).canActivate(context('GET', '/audit', proto.list, { 'x-api-key': VIEWER }).ctx)).toThrow(ForbiddenException);
    expect(() => guard(true).canActivate(context('GET', '/audit', proto.list).ctx)).toThrow(UnauthorizedException);
  });
  it('throws SignInRequired (401, or the login page for a browser) without credentials, and clears a bad cookie', () => {
    const { ctx, response } = context('GET', '/people', proto.people, { cookie: 'fs_session=forged' });
    expect(() => guard().canActivate(ctx)).toThrow(SignInRequiredException);
    expect(response.append).toHaveBeenCalledWith('Set-Cookie', expect.stringMatching(/^fs_session=; .*Max-Age=0/));
  });
  it('announces refused attempts at admin routes (for the audit log), with the role or none and the address; not refused reads', () => {
    const events = new EventBus();
    const refused: Array<AppEvents['access.refused']> = [];
    events.on('access.refused').subscribe((attempt) => refused.push(attempt));
    const g = guard(false, events);
    const attempt = (method: string, path: string, handler: () => void, headers: Record<string, string> = {}, route?: string) => {
      const c = context(method, path, handler, headers);
      if (route) c.request.route = { path: route };
      try {
        g.canActivate(c.ctx);
      } catch {
        // refused
      }
    };
    attempt('DELETE', '/people/3', proto.people, { 'x-api-key': VIEWER }, '/people/:id');
    attempt('post', '/people', proto.people, { 'x-api-key': 'wrong' });
    attempt('GET', '/audit', proto.list);
    attempt('GET', '/people', proto.people); // a refused read: not an admin route
    attempt('DELETE', '/people/3', proto.people, { 'x-api-key': ADMIN }); // allowed
    expect(refused).toEqual([
      { method: 'DELETE', route: '/people/:id', path: '/people/3', status: 403, role: 'viewer', ip: '192.0.2.9' },
      { method: 'POST', route: '/people', path: '/people', status: 401, role: 'none', ip: '192.0.2.9' },
      { method: 'GET', route: '/audit', path: '/audit', status: 401, role: 'none', ip: '192.0.2.9' },
    ]);
  });
  it('lets Socket.IO contexts through (their handshake is checked by SocketAccessAdapter)', () => {
    expect(guard().canActivate({ getType: () => 'ws' } as unknown as ExecutionContext)).toBe(true);
  });
});

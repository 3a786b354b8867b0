import { EventEmitter } from 'node:events';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { lastValueFrom, of } from 'rxjs';
import { AuditEntry } from '../../src/audit/audit-entry.entity';
import { AuditInterceptor, isAdminAction } from '../../src/audit/audit.interceptor';
import { AuditLog, NewAuditEntry } from '../../src/audit/audit.repository';
import { AuditService } from '../../src/audit/audit.service';
import { ADMIN_ONLY } from '../../src/auth/admin-only.decorator';
import { CLOCK } from '../../src/common/clock';
import { EventBus } from '../../src/events/event-bus';
import { RefusalLimiter } from '../../src/audit/refusal-limiter';

const NOW = Date.parse('2026-03-01T12:00:00Z');

class MemoryAuditLog extends AuditLog {
  rows: AuditEntry[] = [];
  failing = false;
  async insert(entry: NewAuditEntry): Promise<number> {
    if (this.failing) throw new Error('SQLITE_BUSY');
    const id = this.rows.length + 1;
    this.rows.push({ id, suppressed: 0, ...entry });
    return id;
  }
  async findPage(page: { skip: number; take: number }): Promise<[AuditEntry[], number]> {
    const newest = [...this.rows].sort((a, b) => b.at - a.at || b.id - a.id);
    return [newest.slice(page.skip, page.skip + page.take), newest.length];
  }
}

async function build() {
  const log = new MemoryAuditLog();
  const clock = { now: NOW };
  const module = await Test.createTestingModule({
    providers: [AuditService, AuditInterceptor, Reflector, EventBus, { provide: AuditLog, useValue: log }, { provide: CLOCK, useValue: () => clock.now }],
  }).compile();
  await module.init();
  return { log, clock, service: module.get(AuditService), interceptor: module.get(AuditInterceptor), events: module.get(EventBus) };
}

/** An Express-like request/response pair through the interceptor; returns the response to finish. */
function call(interceptor: AuditInterceptor, request: Record<string, unknown>, adminOnly = false) {
  const response = Object.assign(new EventEmitter(), { statusCode: 200, writableFinished: false });
  // A route handler as Nest sees it, marked @AdminOnly() when asked.
  const routeHandler = () => undefined;
  if (adminOnly) SetMetadata(ADMIN_ONLY, true)(routeHandler);
  const context = {
    getType: () => 'http',
    getHandler: () => routeHandler,
    getClass: () => class Controller {},
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ExecutionContext;
  const handler: CallHandler = { handle: () => of('answer') };
  const result = lastValueFrom(interceptor.intercept(context, handler));
  const finish = async (status: number, finished = true) => {
    response.statusCode = status;
    response.writableFinished = finished;
    response.emit('close');
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { result, finish };
}

describe('audit log', () => {
  it('records an admin action once answered: when, which role, from where, what and its status', async () => {
    const t = await build();
    const request = { method: 'DELETE', path: '/people/3', route: { path: '/people/:id' }, ip: '192.0.2.7', socket: {} };
    const { result, finish } = call(t.interceptor, request);
    await expect(result).resolves.toBe('answer');
    expect(t.log.rows).toEqual([]); // not before the answer is sent
    t.clock.now = NOW + 5;
    await finish(204);
    expect(t.log.rows).toEqual([{ id: 1, at: NOW + 5, role: 'admin', ip: '192.0.2.7', method: 'DELETE', route: '/people/:id', path: '/people/3', status: 204, suppressed: 0 }]);
  });

  it('takes the role the auth guard set, the socket address without request.ip, and 499 for a client gone', async () => {
    const t = await build();
    const request = { method: 'post', path: '/people', route: { path: '/people' }, auth: { role: 'operator' }, socket: { remoteAddress: '::1' } };
    const { finish } = call(t.interceptor, request);
    await finish(201, false);
    expect(t.log.rows[0]).toMatchObject({ role: 'operator', ip: '::1', method: 'POST', status: 499 });
  });

  it('records the admin-only reads (an export) but no other read, and nothing outside HTTP', async () => {
    const t = await build();
    await call(t.interceptor, { method: 'GET', path: '/people/3', route: { path: '/people/:id' }, ip: '1', socket: {} }).finish(200);
    await call(t.interceptor, { method: 'POST', path: '/recognize', route: { path: '/recognize' }, ip: '1', socket: {} }).finish(200);
    await call(t.interceptor, { method: 'GET', path: '/people/3/export', route: { path: '/people/:id/export' }, ip: '1', socket: {} }, true).finish(200);
    expect(t.log.rows.map((row) => `${row.method} ${row.path}`)).toEqual(['GET /people/3/export']);
    const ws = { getType: () => 'ws' } as unknown as ExecutionContext;
    await expect(lastValueFrom(t.interceptor.intercept(ws, { handle: () => of(1) }))).resolves.toBe(1);
    expect(isAdminAction('PATCH', '/cameras/door', false)).toBe(true);
    expect(isAdminAction('GET', '/audit', true)).toBe(true);
    expect(isAdminAction('GET', '/sightings', false)).toBe(false);
    expect(isAdminAction('POST', '/recognize', false)).toBe(false);
  });

  it('never fails the request when the log cannot be written (logged instead)', async () => {
    const t = await build();
    t.log.failing = true;
    await expect(t.service.record({ role: 'admin', ip: '1', method: 'DELETE', route: '/x', path: '/x', status: 204 })).resolves.toBeUndefined();
    expect(t.log.rows).toEqual([]);
  });

  it('lists newest first, paged like the sightings', async () => {
    const t = await build();
    for (let i = 0; i < 25; i++) {
      t.clock.now = NOW + i * 1000;
      await t.service.record({ role: 'admin', ip: '1', method: 'POST', route: '/people', path: '/people', status: 201 });
    }
    const page = await t.service.list({ page: 2, pageSize: 10 });
    expect(page).toMatchObject({ page: 2, pageSize: 10, total: 25, pages: 3 });
    expect(page.items.map((item) => item.id)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
    expect(page.items[0].at).toBe(new Date(NOW + 14_000).toISOString());
  });
});

describe('refused attempts at admin routes', () => {
  const attempt = (ip: string, status: 401 | 403 = 401) => ({ method: 'DELETE', route: '/people/:id', path: '/people/3', status, role: status === 403 ? 'viewer' : 'none', ip });
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('records the ones the access guard announces, a few per address and minute, counting the rest into the next one kept', async () => {
    const t = await build();
    for (let i = 0; i < 8; i++) t.events.emit('access.refused', attempt('198.51.100.1'));
    t.events.emit('access.refused', attempt('198.51.100.2', 403));
    await settle();
    expect(t.log.rows.map((row) => [row.ip, row.status, row.role, row.suppressed])).toEqual([
      ...Array.from({ length: 5 }, () => ['198.51.100.1', 401, 'none', 0]),
      ['198.51.100.2', 403, 'viewer', 0],
    ]);
    // The next minute: the first attempt kept says how many were left out.
    t.clock.now = NOW + 61_000;
    t.events.emit('access.refused', attempt('198.51.100.1'));
    await settle();
    expect(t.log.rows.at(-1)).toMatchObject({ ip: '198.51.100.1', suppressed: 3, at: NOW + 61_000 });
    const listed = await t.service.list({});
    expect(listed.items[0]).toMatchObject({ status: 401, role: 'none', suppressed: 3 });
  });
});

describe('RefusalLimiter', () => {
  it('keeps perClient per address and total in all per window, and starts again after it', () => {
    const limiter = new RefusalLimiter({ perClient: 2, total: 3, windowMs: 1000 });
    const verdicts = ['a', 'a', 'a', 'b', 'c', 'c'].map((client) => [client, limiter.admit(client, 0)]);
    expect(verdicts).toEqual([
      ['a', { record: true, suppressed: 0 }],
      ['a', { record: true, suppressed: 0 }],
      ['a', { record: false }],
      ['b', { record: true, suppressed: 0 }],
      ['c', { record: false }], // the window's total is spent
      ['c', { record: false }],
    ]);
    expect(limiter.admit('a', 999)).toEqual({ record: false });
    expect(limiter.admit('c', 1000)).toEqual({ record: true, suppressed: 2 });
    expect(limiter.admit('a', 1000)).toEqual({ record: true, suppressed: 2 });
    expect(limiter.admit('b', 1001)).toEqual({ record: true, suppressed: 0 });
  });

  it('stays bounded under a flood from many addresses', () => {
    const limiter = new RefusalLimiter({ perClient: 1, total: 10, windowMs: 60_000 });
    let recorded = 0;
    for (let i = 0; i < 50_000; i++) if (limiter.admit(`10.0.${i >> 8}.${i & 255}`, i).record) recorded++;
    expect(recorded).toBe(10);
  });
});

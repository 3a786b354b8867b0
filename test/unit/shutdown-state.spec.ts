import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { ShutdownState } from '../../src/lifecycle/shutdown-state';

/** Just enough of Express's request and response for the middleware. */
function exchange(path: string) {
  const response = Object.assign(new EventEmitter(), {
    statusCode: 200,
    headers: {} as Record<string, string>,
    body: undefined as unknown,
    setHeader(name: string, value: string) {
      this.headers[name.toLowerCase()] = value;
    },
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    json(body: unknown) {
      this.body = body;
      response.emit('finish');
      return this;
    },
  });
  return { request: { path } as Request, response, asResponse: response as unknown as Response };
}

describe('ShutdownState', () => {
  it('counts requests in flight (not the stream) and wakes a waiter when the last one ends', async () => {
    const state = new ShutdownState();
    const next = jest.fn();
    const a = exchange('/people');
    const b = exchange('/people/1');
    const stream = exchange('/stream');
    for (const x of [a, b, stream]) state.track(x.request, x.asResponse, next);
    expect(next).toHaveBeenCalledTimes(3);
    expect(state.requestsInFlight).toBe(2);

    const idle = state.whenIdle(5_000);
    a.response.emit('finish');
    a.response.emit('close'); // counted once
    expect(state.requestsInFlight).toBe(1);
    b.response.emit('close'); // a dropped connection ends a request too
    await expect(idle).resolves.toBe(true);
    expect(state.requestsInFlight).toBe(0);
  });

  it('gives up waiting after the timeout', async () => {
    const state = new ShutdownState();
    state.track(exchange('/people').request, exchange('/people').asResponse, jest.fn());
    await expect(state.whenIdle(20)).resolves.toBe(false);
  });

  it('answers 503 with Connection: close once shutting down, in the API error shape', () => {
    const state = new ShutdownState();
    state.begin('SIGTERM');
    const next = jest.fn();
    const x = exchange('/people');
    state.track(x.request, x.asResponse, next);
    expect(next).not.toHaveBeenCalled();
    expect(x.response.statusCode).toBe(503);
    expect(x.response.headers.connection).toBe('close');
    expect(x.response.body).toEqual({ statusCode: 503, message: 'the server is shutting down', error: 'Service Unavailable' });
    expect(state.shuttingDown).toBe(true);
  });
});

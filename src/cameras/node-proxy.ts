import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Request, Response } from 'express';

/** Set on a request one node passes to another: the receiver answers it itself, never passes it on (no loops). */
export const PROXIED_HEADER = 'x-face-stream-proxied';

/** The client's headers that prove who it is (the nodes of one cluster share keys and session secrets) and what it accepts. */
const FORWARDED_HEADERS = ['x-api-key', 'authorization', 'cookie', 'accept', 'user-agent'] as const;
/** Headers about one connection, not the content: never copied from the owner's reply. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-authenticate', 'trailer']);

export function isProxied(request: Request): boolean {
  return request.headers[PROXIED_HEADER] !== undefined;
}

/**
 * Answers a request for a camera another node runs with that node's answer for `path` (the
 * camera's own path there, with the query), the client's credentials, the reply streamed through (an endless MJPEG stream included). When
 * either side closes, the other is closed too; an owner that cannot be reached is a 503.
 */
export function passToNode(owner: { node: string; url: string }, camera: string, path: string, request: Request, response: Response, via: string): void {
  const target = new URL(path, owner.url);
  const headers: Record<string, string> = { [PROXIED_HEADER]: via };
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(target, { method: 'GET', headers }, (reply) => {
    response.status(reply.statusCode ?? 502);
    for (const [name, value] of Object.entries(reply.headers as IncomingHttpHeaders)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) response.setHeader(name, value);
    }
    response.setHeader('x-camera-node', owner.node);
    response.flushHeaders();
    reply.pipe(response);
    // The owner went away mid-stream (killed, restarted): the client's stream ends, it reconnects.
    reply.on('error', () => response.end());
    reply.on('aborted', () => response.end());
  });
  upstream.setTimeout(10_000, () => upstream.destroy(new Error('no answer within 10 s')));
  upstream.on('error', (err) => {
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(503).json({ statusCode: 503, error: 'Service Unavailable', message: `camera "${camera}" runs on node "${owner.node}", which cannot be reached (${err.message})` });
  });
  response.on('close', () => upstream.destroy());
  upstream.end();
}

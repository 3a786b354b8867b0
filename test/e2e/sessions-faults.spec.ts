import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { SESSION_SECRET_FILE_NAME } from '../../src/auth/key-file';
import { keyFingerprint, signSession, signStreamLink } from '../../src/auth/signed-tokens';
import { RunningServer, startServer, TEST_ADMIN_KEY, TEST_VIEWER_KEY, withAdminKey } from '../support/server-process';

jest.setTimeout(180_000);

/** A camera that never answers: the server runs without decoding video (these tests are about access). */
const ENV = { CAMERA_SOURCE: 'http://127.0.0.1:9/camera.mjpg', RATE_LIMIT_MAX: '100000', RATE_LIMIT_WRITE_MAX: '100000' };

/** Sends exactly these bytes as one HTTP/1.1 request (fetch refuses the odd ones) and reads the answer. */
function rawRequest(port: number, head: Buffer | string, body = ''): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [headers, ...rest] = text.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1] ?? 0), headers, body: rest.join('\r\n\r\n') });
    });
    socket.end(Buffer.concat([Buffer.isBuffer(head) ? head : Buffer.from(head, 'latin1'), Buffer.from('\r\n\r\n'), Buffer.from(body)]));
  });
}

const requestHead = (line: string, header: Buffer) =>
  Buffer.concat([Buffer.from(`${line}\r\nHost: 127.0.0.1\r\nConnection: close\r\n`, 'latin1'), header]);

async function signIn(server: RunningServer, key: string): Promise<string> {
  const reply = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
  expect(reply.status).toBe(200);
  const cookie = /^(fs_session=[^;]+)/.exec(reply.headers.get('set-cookie') ?? '')?.[1];
  expect(cookie).toBeDefined();
  return cookie!;
}

async function read(server: RunningServer, cookie: string) {
  const reply = await fetch(`${server.url}/people`, { headers: { cookie } });
  return { status: reply.status, type: reply.headers.get('content-type'), body: await reply.json() };
}

describe('sessions across a restart, and bad credentials (real server)', () => {
  let server: RunningServer;
  let restarted: RunningServer | undefined;
  let signedOut: string;
  let kept: string;
  let expired: string;

  beforeAll(async () => {
    server = await startServer(ENV);
  });
  afterAll(async () => {
    await restarted?.dispose();
    await server?.dispose();
  });

  it('signs out for good: the ended session is refused at once, others go on', async () => {
    signedOut = await signIn(server, TEST_VIEWER_KEY);
    kept = await signIn(server, TEST_ADMIN_KEY);
    expect((await read(server, signedOut)).status).toBe(200);
    const out = await fetch(`${server.url}/auth/logout`, { method: 'POST', headers: { cookie: signedOut, 'content-type': 'application/json' }, body: '{}' });
    expect(out.status).toBe(204);
    expect(await read(server, signedOut)).toMatchObject({ status: 401, type: expect.stringMatching(/json/), body: { message: expect.stringMatching(/signed out/) } });
    expect((await read(server, kept)).status).toBe(200);
    // A session this server signed that ran out (made with its own secret, an hour ago).
    const secret = readFileSync(join(server.dataDir, SESSION_SECRET_FILE_NAME), 'utf8').trim();
    expired = `fs_session=${signSession(secret, 'viewer', Math.floor(Date.now() / 1000) - 3600, () => keyFingerprint(TEST_VIEWER_KEY))}`;
    expect(await read(server, expired)).toMatchObject({ status: 401, body: { message: expect.stringMatching(/expired/) } });
  });

  it('answers 401 JSON, never crashes, on malformed cookies, odd keys, expired or forged links; 400/431 JSON on what HTTP itself refuses', async () => {
    const write = 'DELETE /people/1 HTTP/1.1';
    const cases: Array<[string, Buffer, number]> = [
      ['a key with NUL', Buffer.from('x-api-key: k\u0000ey', 'latin1'), 400],
      ['a key with UTF-8 bytes', Buffer.concat([Buffer.from('x-api-key: '), Buffer.from('kéy☃🙂', 'utf8')]), 401],
      ['a key with latin-1 bytes', Buffer.from('x-api-key: \u00ff\u00fe\u0080', 'latin1'), 401],
      ['a 6 KB key', Buffer.from(`x-api-key: ${'k'.repeat(6000)}`), 401],
      ['a 20 KB key', Buffer.from(`x-api-key: ${'k'.repeat(20_000)}`), 431],
      ['the key twice', Buffer.from(`x-api-key: ${TEST_ADMIN_KEY}\r\nx-api-key: ${TEST_ADMIN_KEY}`), 401],
      ['a Bearer with spaces only', Buffer.from('Authorization: Bearer    '), 401],
      ['a cookie with broken percent-encoding', Buffer.from('Cookie: fs_session=%E0%A4%A'), 401],
      ['a cookie with raw high bytes', Buffer.from('Cookie: fs_session=\u00ff\u00fe', 'latin1'), 401],
      ['the cookie twice', Buffer.from(`Cookie: ${kept}; ${kept}`), 401],
      ['a cookie of five garbage parts', Buffer.from('Cookie: fs_session=v1.a.99999999999.x.y'), 401],
      ['a cookie signed with another secret', Buffer.from(`Cookie: fs_session=${signSession('another-secret', 'admin', 4_000_000_000, () => keyFingerprint(TEST_ADMIN_KEY))}`), 401],
      ['a 6 KB cookie', Buffer.from(`Cookie: fs_session=${'c'.repeat(6000)}`), 401],
    ];
    const outcomes = [];
    for (const [what, header, status] of cases) {
      const reply = await rawRequest(server.port, requestHead(write, header));
      outcomes.push([what, reply.status, /content-type: application\/json/i.test(reply.headers), JSON.parse(reply.body || '{}').statusCode]);
      expect([what, reply.status]).toEqual([what, status]);
    }
    expect(outcomes.filter(([, , json, code]) => !json || typeof code !== 'number')).toEqual([]);

    const link = async (query: string) => {
      const reply = await fetch(`${server.url}/cameras/main/snapshot.jpg?${query}`);
      return [reply.status, reply.headers.get('content-type')?.includes('json') ? (await reply.json()).message : await reply.text()];
    };
    const issued = await fetch(`${server.url}/cameras/main/stream-url`, { method: 'POST', headers: withAdminKey({ 'content-type': 'application/json' }), body: '{}' });
    expect(issued.status).toBe(200);
    const { snapshotUrl } = (await issued.json()) as { snapshotUrl: string };
    const token = new URL(snapshotUrl, server.url).searchParams.get('token')!;
    const past = Math.floor(Date.now() / 1000) - 10;
    const secret = readFileSync(join(server.dataDir, SESSION_SECRET_FILE_NAME), 'utf8').trim();
    expect(await link(`token=${signStreamLink(secret, 'main', past, keyFingerprint(TEST_ADMIN_KEY))}&expires=${past}`)).toEqual([401, 'the stream link has expired']);
    expect(await link(`token=${token}&expires=${past}`)).toEqual([401, 'the stream link is not valid']); // the signature covers the time
    expect(await link(`token=${'A'.repeat(43)}&expires=${past}`)).toEqual([401, 'the stream link is not valid']);
    expect(await link(`token=%ZZ&expires=1`)).toEqual([401, 'the stream link is not valid']);
    expect(await link(`token=${token}&token=${token}&expires=1`)).toEqual([401, 'the stream link is not valid']);

    // Signing in with odd bytes: 401 JSON too.
    for (const key of ['k\u0000ey', 'é'.repeat(5000), '', ' ']) {
      const reply = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
      expect([key.slice(0, 4), reply.status >= 400 && reply.status < 500, (await reply.json()).statusCode]).toEqual([key.slice(0, 4), true, reply.status]);
    }
    // Still up, nothing crashed.
    expect((await fetch(`${server.url}/health`)).status).toBeLessThan(600);
    expect((await read(server, kept)).status).toBe(200);
    expect(server.process.exitCode).toBeNull();
    expect(server.output()).not.toMatch(/UnhandledPromiseRejection|TypeError|RangeError/);
  });

  it('takes as long to refuse a wrong key as a missing one', async () => {
    const time = async (headers: Record<string, string>) => {
      const start = process.hrtime.bigint();
      const reply = await fetch(`${server.url}/people/1`, { method: 'DELETE', headers });
      await reply.arrayBuffer();
      expect(reply.status).toBe(401);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    const wrong: number[] = [];
    const missing: number[] = [];
    for (let i = 0; i < 200; i++) {
      // Alternating which goes first, so neither gets the warmer connection every time.
      const pair = [() => time({ 'x-api-key': `wrong-key-${i}-0123456789abcdef-0123456789` }), () => time({})];
      const [first, second] = i % 2 ? pair : [pair[1], pair[0]];
      const a = await first();
      const b = await second();
      wrong.push(i % 2 ? a : b);
      missing.push(i % 2 ? b : a);
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1];
    console.log(`refusal time over HTTP: wrong key ${median(wrong).toFixed(3)} ms, missing key ${median(missing).toFixed(3)} ms (median of 200)`);
    // Both do the same hashing (the unit test compares that closely); what is left here is the noise of
    // a loopback request on a shared machine: within half a millisecond, or a quarter when it is loaded.
    expect(Math.abs(median(wrong) - median(missing))).toBeLessThan(Math.max(0.5, 0.25 * median(wrong)));
  });

  it('still refuses the signed-out and the expired session after a restart, and keeps the others', async () => {
    expect(await server.stop()).toBe(0);
    restarted = await startServer({ ...ENV, DATA_DIR: server.dataDir });
    expect(restarted.output()).toMatch(/1 signed-out session\(s\) stay refused/);
    expect(await read(restarted, signedOut)).toMatchObject({ status: 401, body: { message: expect.stringMatching(/signed out/) } });
    expect(await read(restarted, expired)).toMatchObject({ status: 401, body: { message: expect.stringMatching(/expired/) } });
    expect((await read(restarted, kept)).status).toBe(200);
    // Signing out after the restart holds too.
    const out = await fetch(`${restarted.url}/auth/logout`, { method: 'POST', headers: { cookie: kept, 'content-type': 'application/json' }, body: '{}' });
    expect(out.status).toBe(204);
    expect((await read(restarted, kept)).status).toBe(401);
  });
});

import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_VIDEO, PROJECT_ROOT } from './paths';

/** The admin key every test server gets unless a test sets ADMIN_API_KEY itself ('' = none, so one is generated). */
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';
/** The viewer key every test server gets unless a test sets VIEWER_API_KEY itself ('' = none, so one is generated). */
export const TEST_VIEWER_KEY = 'test-viewer-key-0123456789abcdef';

/**
 * What every test server gets unless the test says otherwise. Reads are open (PUBLIC_READS) so
 * that tests about other things can read without a key; tests about access pass
 * `PUBLIC_READS: ''` (unset: the real default, reads need a key) — see test/e2e/access*.spec.ts.
 */
export const TEST_SERVER_DEFAULTS: Readonly<Record<string, string>> = {
  ADMIN_API_KEY: TEST_ADMIN_KEY,
  VIEWER_API_KEY: TEST_VIEWER_KEY,
  PUBLIC_READS: 'true',
};

/** Headers carrying the admin key, merged with `extra`. */
export function withAdminKey(extra: Record<string, string> = {}, key = TEST_ADMIN_KEY): Record<string, string> {
  return { 'x-api-key': key, ...extra };
}

/** Headers carrying the viewer key, merged with `extra`. */
export function withViewerKey(extra: Record<string, string> = {}, key = TEST_VIEWER_KEY): Record<string, string> {
  return { 'x-api-key': key, ...extra };
}

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  facesDir: string;
  process: ChildProcess;
  /** The admin key it was started with ('' when it generated its own). */
  adminKey: string;
  /** The viewer key it was started with ('' when it generated its own). */
  viewerKey: string;
  /** Everything the server printed so far. */
  output(): string;
  /** SIGTERM, wait for exit (SIGKILL after a grace period); returns the exit code. */
  stop(): Promise<number | null>;
  /** Like stop(), then removes the temporary folders. */
  dispose(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts the built server (dist/main.js) as a real process on a free port, with a fresh
 * temporary DATA_DIR and an empty FACES_DIR unless given, and the demo video as camera.
 */
export async function startServer(env: Record<string, string> = {}, timeoutMs = 90_000): Promise<RunningServer> {
  const entry = join(PROJECT_ROOT, 'dist', 'main.js');
  if (!existsSync(entry)) throw new Error('dist/main.js is missing: run `npm run build` first');
  // A given PORT: the test needed it before the start (e.g. for NODE_URL).
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const root = mkdtempSync(join(tmpdir(), 'face-stream-test-'));
  const dataDir = env.DATA_DIR ?? join(root, 'data');
  const facesDir = env.FACES_DIR ?? join(root, 'faces');
  mkdirSync(facesDir, { recursive: true });
  let output = '';
  const child = spawn(process.execPath, [entry], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      CAMERA_SOURCE: DEMO_VIDEO,
      ...TEST_SERVER_DEFAULTS,
      ...env,
      PORT: String(port),
      DATA_DIR: dataDir,
      FACES_DIR: facesDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${output}`);
    if (/listening on/.test(output)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return {
    url,
    port,
    adminKey: env.ADMIN_API_KEY ?? TEST_ADMIN_KEY,
    viewerKey: env.VIEWER_API_KEY ?? TEST_VIEWER_KEY,
    dataDir,
    facesDir,
    process: child,
    output: () => output,
    stop,
    dispose: async () => {
      await stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

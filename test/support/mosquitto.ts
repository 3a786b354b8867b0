import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { freePort } from './server-process';

const MOSQUITTO = '/usr/sbin/mosquitto';

/** A real mosquitto on a free loopback port, anonymous clients allowed, no persistence (a restart forgets retained messages). */
export interface RunningBroker {
  url: string;
  port: number;
  /** With `tls`: the broker's self-signed certificate (the CA a client must trust). */
  certFile: string;
  /** Everything mosquitto printed. */
  output(): string;
  /** Stops it (SIGTERM) and waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
  /** stop() and removes its folder. */
  dispose(): Promise<void>;
}

export interface BrokerOptions {
  /** Default: a free one. */
  port?: number;
  /** Serve mqtts with a self-signed certificate for 127.0.0.1, written to `<dir>/cert.pem` (also the CA to trust). */
  tls?: boolean;
}

/** Starts mosquitto (a plain number is the port, for short). */
export async function startBroker(options: BrokerOptions | number = {}): Promise<RunningBroker> {
  const { port: wantedPort, tls = false } = typeof options === 'number' ? { port: options } : options;
  const port = wantedPort ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'mosquitto-test-'));
  // mosquitto drops to the `mosquitto` user when started as root: it must be able to read the folder and files.
  chmodSync(dir, 0o755);
  const certFile = join(dir, 'cert.pem');
  const lines = [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stdout', 'log_type error', 'log_type warning', 'log_type notice'];
  if (tls) {
    const keyFile = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    chmodSync(keyFile, 0o644);
    lines.push(`certfile ${certFile}`, `keyfile ${keyFile}`);
  }
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(config, lines.join('\n') + '\n');
  let output = '';
  let child: ChildProcess | undefined;

  const start = async () => {
    const process = spawn(MOSQUITTO, ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = process;
    process.stdout!.on('data', (chunk) => (output += chunk));
    process.stderr!.on('data', (chunk) => (output += chunk));
    await waitForPort(port, 10_000, () => process.exitCode !== null, () => output);
  };
  const stop = async () => {
    const process = child;
    child = undefined;
    if (!process || process.exitCode !== null || process.signalCode !== null) return;
    const exited = new Promise((resolve) => process.once('exit', resolve));
    process.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url: `${tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    port,
    certFile,
    output: () => output,
    stop,
    restart: start,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, timeoutMs: number, exited: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited()) throw new Error(`mosquitto exited:\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connectTcp(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${port} within ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A real mqtt.js subscriber that records every message of `#` (retained ones first, as the broker sends them). */
export class RecordingSubscriber {
  readonly messages: Array<{ topic: string; payload: Buffer; retain: boolean; at: number }> = [];

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => this.messages.push({ topic, payload, retain: packet.retain, at: Date.now() }));
  }

  static async connect(url: string, topics: string[] = ['#']): Promise<RecordingSubscriber> {
    const client = await connectAsync(url, { reconnectPeriod: 200, clientId: `test-subscriber-${Math.random().toString(16).slice(2)}` });
    const subscriber = new RecordingSubscriber(client);
    await client.subscribeAsync(topics, { qos: 1 });
    return subscriber;
  }

  /** The payloads of a topic, as text, oldest first. */
  texts(topic: string): string[] {
    return this.messages.filter((m) => m.topic === topic).map((m) => m.payload.toString());
  }

  /** The newest payload of a topic, as text (undefined if none). */
  last(topic: string): string | undefined {
    return this.texts(topic).at(-1);
  }

  /** Waits until `predicate` holds (checked on every message and every 100 ms). */
  async waitFor<T>(what: string, predicate: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) {
        const seen = [...new Set(this.messages.map((m) => m.topic))].join(', ');
        throw new Error(`timed out waiting for ${what} (topics seen: ${seen})`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

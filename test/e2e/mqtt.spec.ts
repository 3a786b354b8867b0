import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingSubscriber, RunningBroker, startBroker } from '../support/mosquitto';
import { PROJECT_ROOT, TESTDATA } from '../support/paths';
import { freePort, RunningServer, startServer, withAdminKey } from '../support/server-process';

jest.setTimeout(300_000);

const P = 'face-stream';
const HA = 'homeassistant';
/** The demo video shows three of the four enrolled people, and Tony_Blair, who is not enrolled. */
const IN_VIDEO = ['Colin_Powell', 'Junichiro_Koizumi', 'Serena_Williams'];
const personConfig = (id: number) => `${HA}/binary_sensor/face-stream/person_${id}/config`;
const cameraConfigs = (camera: string) => [
  `${HA}/sensor/face-stream/${camera}_people_count/config`,
  `${HA}/sensor/face-stream/${camera}_last_recognised/config`,
  `${HA}/event/face-stream/${camera}_recognition/config`,
];

interface EventMessage {
  type: string;
  camera: string;
  personId: number | null;
  name: string;
  confidence: number;
  similarity: number;
  box: { x: number; y: number; width: number; height: number };
  trackId: number;
  at: string;
  thumbnailUrl: string | null;
}

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const reply = await fetch(url);
  return { status: reply.status, body: await reply.json() };
}

async function metric(server: RunningServer, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  // Summed over labels (per camera).
  const values = text.split('\n').flatMap((line) => {
    const match = /^([a-z_]+)(?:\{[^}]*\})? (\S+)$/.exec(line);
    return match && match[1] === name ? [Number(match[2])] : [];
  });
  return values.length ? values.reduce((a, b) => a + b, 0) : NaN;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('MQTT and Home Assistant discovery with a real broker and the real server', () => {
  let broker: RunningBroker;
  let subscriber: RecordingSubscriber;
  let server: RunningServer;
  const late: RecordingSubscriber[] = [];
  let ids: Record<string, number>;
  const events = () => subscriber.texts(`${P}/events`).map((t) => JSON.parse(t) as EventMessage);

  beforeAll(async () => {
    broker = await startBroker();
    subscriber = await RecordingSubscriber.connect(broker.url, [`${P}/#`, `${HA}/#`]);
    // Left over from an earlier life of this server (a person deleted while the broker was away).
    await subscriber.client.publishAsync(personConfig(999), '{"name":"Gone"}', { qos: 1, retain: true });
    server = await startServer({
      MQTT_URL: broker.url,
      FACES_DIR: join(TESTDATA, 'video', 'enroll'),
      MQTT_PRESENCE_TIMEOUT_MS: '3000',
      MQTT_RECONNECT_INITIAL_MS: '200',
      MQTT_RECONNECT_MAX_MS: '1000',
      RATE_LIMIT_WRITE_MAX: '1000',
      MQTT_SNAPSHOTS: 'true',
    });
    const people = (await getJson(`${server.url}/people`)).body as Array<{ id: number; name: string }>;
    ids = Object.fromEntries(people.map((p) => [p.name, p.id]));
  });
  afterAll(async () => {
    for (const client of [subscriber, ...late]) await client?.close().catch(() => undefined);
    await server?.dispose();
    await broker?.dispose();
  });

  it('announces itself online and discovers every enrolled person and the camera before any recognition', async () => {
    expect(Object.keys(ids).sort()).toEqual(['Colin_Powell', 'Hugo_Chavez', 'Junichiro_Koizumi', 'Serena_Williams']);
    await subscriber.waitFor('the first event', () => events().length > 0);
    const order = subscriber.messages.map((m) => m.topic);
    const firstEvent = order.indexOf(`${P}/events`);
    expect(subscriber.texts(`${P}/available`)[0]).toBe('online');
    for (const [name, id] of Object.entries(ids)) {
      expect({ name, config: order.indexOf(personConfig(id)) < firstEvent, presence: order.indexOf(`${P}/people/${id}`) < firstEvent }).toEqual({ name, config: true, presence: true });
      const config = JSON.parse(subscriber.texts(personConfig(id))[0]);
      expect(config).toMatchObject({ name, unique_id: `face-stream_person_${id}_presence`, device_class: 'presence', availability_topic: `${P}/available`, state_topic: `${P}/people/${id}` });
    }
    // Hugo_Chavez is never in the video: his presence entity exists all the same.
    expect(JSON.parse(subscriber.texts(`${P}/people/${ids.Hugo_Chavez}`)[0])).toEqual({ personId: ids.Hugo_Chavez, name: 'Hugo_Chavez', present: false, camera: null, lastSeen: null });
    for (const topic of cameraConfigs('main')) expect(order.indexOf(topic)).toBeGreaterThanOrEqual(0);
    // The stale entity of a person who no longer exists is removed.
    await subscriber.waitFor('the stale config emptied', () => subscriber.last(personConfig(999)) === '');
  });

  it('publishes one event per change from the demo video, with the right names and camera', async () => {
    await subscriber.waitFor('recognised, left and unknown events', () => {
      const seen = events();
      const named = new Set(seen.filter((e) => e.type === 'recognised').map((e) => e.name));
      return IN_VIDEO.every((name) => named.has(name)) && seen.some((e) => e.type === 'left') && seen.some((e) => e.type === 'unknown');
    }, 60_000);
    const seen = events();
    console.log(`MQTT events after ${seen.length} messages: ${seen.map((e) => `${e.type}:${e.name}`).join(', ')}`);
    for (const event of seen) {
      expect(event.camera).toBe('main');
      expect(Number.isNaN(Date.parse(event.at))).toBe(false);
      expect(event.box.width).toBeGreaterThan(0);
      expect(Number.isInteger(event.trackId)).toBe(true);
    }
    const recognised = seen.filter((e) => e.type === 'recognised');
    // Nobody is named who is not in the video; Tony_Blair (not enrolled) is never named.
    expect([...new Set(recognised.map((e) => e.name))].sort()).toEqual(IN_VIDEO);
    for (const event of recognised) expect(event.personId).toBe(ids[event.name]);
    // Not per frame: a few events per appearance (four appearances per 10 s loop).
    const recognisedFrames = await metric(server, 'facestream_frames_recognized_total');
    expect(seen.length).toBeLessThan(recognisedFrames / 5);
    const unknown = seen.find((e) => e.type === 'unknown')!;
    expect(unknown).toMatchObject({ personId: null, name: 'Unknown', thumbnailUrl: expect.stringMatching(/^\/unknown-faces\/\d+\/thumbnail$/) });
    const named = recognised.find((e) => e.thumbnailUrl !== null)!;
    expect(named.thumbnailUrl).toMatch(/^\/sightings\/\d+\/thumbnail$/);
    for (const url of [unknown.thumbnailUrl, named.thumbnailUrl]) {
      const reply = await fetch(`${server.url}${url}`);
      expect([url, reply.status, reply.headers.get('content-type')]).toEqual([url, 200, 'image/jpeg']);
    }
    // MQTT_SNAPSHOTS: the event faces' JPEGs, retained on the camera's snapshot topic.
    const snapshot = subscriber.messages.filter((m) => m.topic === `${P}/cameras/main/snapshot`).at(-1);
    expect(snapshot?.payload.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    // Home Assistant's event entity: recognised and unknown only, each with its event_type.
    const haTypes = subscriber.texts(`${P}/cameras/main/events`).map((t) => JSON.parse(t).event_type);
    expect(new Set(haTypes)).toEqual(new Set(['recognised', 'unknown']));
  });

  it('keeps retained state per camera and per person (presence expires when nobody sees them)', async () => {
    await subscriber.waitFor('someone present, then absent after the timeout', () =>
      IN_VIDEO.some((name) => {
        const states = subscriber.texts(`${P}/people/${ids[name]}`).map((t) => JSON.parse(t));
        const arrived = states.findIndex((s) => s.present && s.camera === 'main');
        return arrived >= 0 && states.slice(arrived).some((s) => !s.present && s.lastSeen !== null);
      }),
    60_000);
    const fresh = await RecordingSubscriber.connect(broker.url, [`${P}/#`]);
    late.push(fresh);
    // What the broker kept (flagged retained), not what happened to be published meanwhile.
    const retained = (topic: string) => fresh.messages.filter((m) => m.retain && m.topic === topic).map((m) => m.payload.toString()).at(-1);
    await fresh.waitFor('retained camera and person state', () => retained(`${P}/cameras/main/state`) && retained(`${P}/people/${ids.Hugo_Chavez}`) && retained(`${P}/cameras/main/last-recognised`));
    expect(retained(`${P}/available`)).toBe('online');
    expect(retained(`${P}/cameras/main/state`)).toBe('live');
    expect(Number(retained(`${P}/cameras/main/count`))).toBeGreaterThanOrEqual(0);
    const people = JSON.parse(retained(`${P}/cameras/main/people`)!) as Array<{ personId: number; name: string }>;
    for (const person of people) expect(IN_VIDEO).toContain(person.name);
    expect(IN_VIDEO).toContain(JSON.parse(retained(`${P}/cameras/main/last-recognised`)!).name);
    expect(JSON.parse(retained(`${P}/people/${ids.Hugo_Chavez}`)!)).toMatchObject({ present: false, lastSeen: null });
  });

  it('follows enrollment, rename and deletion: a new entity, a new name under the same id, then an empty config', async () => {
    const [first] = readdirSync(join(TESTDATA, 'people')).sort();
    const form = new FormData();
    form.append('name', 'Mqtt_Newcomer');
    form.append('faceIndex', '0');
    form.append('image', new Blob([readFileSync(join(TESTDATA, 'people', first, `${first}_0001.jpg`))]), 'photo.jpg');
    const created = await fetch(`${server.url}/people`, { method: 'POST', headers: withAdminKey(), body: form });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    await subscriber.waitFor('the newcomer\'s entity', () => subscriber.texts(personConfig(id)).length > 0);
    expect(JSON.parse(subscriber.last(personConfig(id))!)).toMatchObject({ name: 'Mqtt_Newcomer', unique_id: `face-stream_person_${id}_presence` });

    const renamed = await fetch(`${server.url}/people/${id}`, { method: 'PATCH', headers: withAdminKey({ 'content-type': 'application/json' }), body: JSON.stringify({ name: 'Mqtt_Renamed' }) });
    expect(renamed.status).toBe(200);
    await subscriber.waitFor('the new name', () => subscriber.last(personConfig(id))?.includes('Mqtt_Renamed'));
    expect(JSON.parse(subscriber.last(personConfig(id))!).unique_id).toBe(`face-stream_person_${id}_presence`);

    expect((await fetch(`${server.url}/people/${id}`, { method: 'DELETE', headers: withAdminKey() })).status).toBe(204);
    await subscriber.waitFor('an empty config and presence', () => subscriber.last(personConfig(id)) === '' && subscriber.last(`${P}/people/${id}`) === '');
    const after = await RecordingSubscriber.connect(broker.url, [`${HA}/#`]);
    late.push(after);
    await after.waitFor('the retained configs', () => after.messages.length >= 4 + 3);
    expect(after.messages.map((m) => m.topic)).not.toContain(personConfig(id));
  });

  it('erases a person the camera showed from every retained topic: discovery, presence, last recognised, who is in view', async () => {
    const lastRecognised = `${P}/cameras/main/last-recognised`;
    // Whoever the camera named last: their name is retained there now.
    const shown = await subscriber.waitFor('someone retained as last recognised', () => {
      const text = subscriber.last(lastRecognised);
      return text ? (JSON.parse(text) as { personId: number; name: string }) : undefined;
    }, 60_000);
    const mark = subscriber.messages.length;
    expect((await fetch(`${server.url}/people/${shown.personId}`, { method: 'DELETE', headers: withAdminKey() })).status).toBe(204);
    delete ids[shown.name]; // the tests after this one republish the people still enrolled
    const since = () => subscriber.messages.slice(mark);
    await subscriber.waitFor('their config and presence emptied', () =>
      [personConfig(shown.personId), `${P}/people/${shown.personId}`].every((topic) => since().some((m) => m.topic === topic && m.payload.length === 0)),
    );
    // The camera's last recognised is emptied unless someone else was named first.
    const next = since().find((m) => m.topic === lastRecognised);
    const outcome = next === undefined ? 'nothing' : next.payload.length === 0 ? 'emptied' : JSON.parse(next.payload.toString()).personId === shown.personId ? 'them again' : 'someone else';
    expect(['emptied', 'someone else']).toContain(outcome);
    // What a new subscriber (Home Assistant restarting) is given: nothing of them.
    const fresh = await RecordingSubscriber.connect(broker.url, [`${P}/#`, `${HA}/#`]);
    late.push(fresh);
    await fresh.waitFor('the retained state', () => fresh.messages.some((m) => m.topic === `${P}/cameras/main/state`) && fresh.messages.some((m) => m.topic === personConfig(ids.Hugo_Chavez)));
    const retained = fresh.messages.filter((m) => m.retain);
    expect(retained.filter((m) => m.topic === personConfig(shown.personId) || m.topic === `${P}/people/${shown.personId}`)).toEqual([]);
    const leaks = retained.filter((m) => /last-recognised|\/people$/.test(m.topic) && m.payload.toString().includes(`"personId":${shown.personId},`));
    expect(leaks.map((m) => m.topic)).toEqual([]);
  });

  it('publishes discovery again when Home Assistant announces online', async () => {
    const mark = subscriber.messages.length;
    await subscriber.client.publishAsync(`${HA}/status`, 'online', { qos: 1 });
    const since = () => subscriber.messages.slice(mark).map((m) => m.topic);
    const wanted = [...Object.values(ids).map(personConfig), ...cameraConfigs('main')];
    await subscriber.waitFor('every config again', () => wanted.every((topic) => since().includes(topic)));
  });

  it('rides out a broker restart: /health degraded (still 200), reconnects, republishes availability, discovery and state', async () => {
    await broker.stop();
    const degraded = await until('MQTT degraded in /health', async () => {
      const health = await getJson(`${server.url}/health`);
      return health.body.details?.mqtt?.status === 'degraded' ? health : undefined;
    });
    expect(degraded.status).toBe(200);
    expect(degraded.body).toMatchObject({ status: 'degraded', details: { camera: { status: 'up' }, mqtt: { status: 'degraded', state: 'reconnecting' } } });
    expect(await metric(server, 'facestream_mqtt_connected')).toBe(0);
    await new Promise((r) => setTimeout(r, 2500)); // several reconnect attempts
    expect(server.output().match(/lost the broker/g)).toHaveLength(1);

    // The broker comes back empty (no persistence): everything retained must be published again.
    await broker.restart();
    const fresh = await RecordingSubscriber.connect(broker.url, [`${P}/#`, `${HA}/#`]);
    late.push(fresh);
    const wanted = [`${P}/available`, `${P}/cameras/main/state`, ...Object.values(ids).flatMap((id) => [personConfig(id), `${P}/people/${id}`]), ...cameraConfigs('main')];
    await fresh.waitFor('everything republished', () => wanted.every((topic) => fresh.texts(topic).length > 0));
    expect(fresh.last(`${P}/available`)).toBe('online');
    const health = await until('MQTT up again', async () => {
      const reply = await getJson(`${server.url}/health`);
      return reply.body.details?.mqtt?.status === 'up' ? reply : undefined;
    });
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await metric(server, 'facestream_mqtt_reconnects_total')).toBeGreaterThanOrEqual(1);
    // Events flow again.
    const before = events().length;
    await subscriber.waitFor('events after the restart', () => events().length > before, 30_000);
  });

  it('has the broker publish offline (the last will) when the server is killed', async () => {
    const watcher = await RecordingSubscriber.connect(broker.url, [`${P}/available`]);
    late.push(watcher);
    await watcher.waitFor('online', () => watcher.last(`${P}/available`) === 'online');
    server.process.kill('SIGKILL');
    await watcher.waitFor('offline', () => watcher.last(`${P}/available`) === 'offline', 15_000);
  });
});

describe('MQTT at start and stop: broker absent, clean shutdown, bad settings', () => {
  it('starts and serves, reports MQTT degraded without failing /health, and logs the outage once', async () => {
    const port = await freePort();
    const server = await startServer({ MQTT_URL: `mqtt://127.0.0.1:${port}`, MQTT_RECONNECT_INITIAL_MS: '100', MQTT_RECONNECT_MAX_MS: '400' });
    try {
      const health = await until('camera live', async () => {
        const reply = await getJson(`${server.url}/health`);
        return reply.body.details?.camera?.status === 'up' ? reply : undefined;
      }, 60_000);
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'degraded', details: { mqtt: { status: 'degraded', state: 'connecting', lastError: expect.stringMatching(/ECONNREFUSED/) } } });
      expect((await fetch(`${server.url}/people`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 2000)); // many more attempts at ≤ 400 ms
      expect(server.output().match(/unreachable/g)).toHaveLength(1);
    } finally {
      await server.dispose();
    }
  });

  it('publishes offline (retained) on a clean shutdown', async () => {
    const broker = await startBroker();
    const watcher = await RecordingSubscriber.connect(broker.url, [`${P}/available`]);
    try {
      const server = await startServer({ MQTT_URL: broker.url });
      await watcher.waitFor('online', () => watcher.last(`${P}/available`) === 'online');
      expect(await server.stop()).toBe(0);
      await watcher.waitFor('offline', () => watcher.last(`${P}/available`) === 'offline', 10_000);
      await server.dispose();
    } finally {
      await watcher.close();
      await broker.dispose();
    }
  });

  it('refuses a bad MQTT setting at start with a message naming it', async () => {
    const data = mkdtempSync(join(tmpdir(), 'mqtt-bad-settings-'));
    try {
      const run = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'main.js')], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: data, FACES_DIR: data, MQTT_URL: 'http://broker', MQTT_TOPIC_PREFIX: 'a/#' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/Invalid configuration:[\s\S]*MQTT_URL[\s\S]*MQTT_TOPIC_PREFIX/);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});

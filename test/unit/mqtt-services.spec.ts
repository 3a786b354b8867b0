import { Test } from '@nestjs/testing';
import { Registry } from 'prom-client';
import { MetricsService } from '../../src/metrics/metrics.service';
import { MqttMetrics } from '../../src/mqtt/mqtt-metrics';
import { CameraRegistry } from '../../src/cameras/camera-registry.service';
import { MqttSettings, mqttSettingsFrom } from '../../src/config/mqtt-config';
import type { FaceChangePayload } from '../../src/events/app-events';
import { EventBus } from '../../src/events/event-bus';
import { HaDiscoveryService } from '../../src/mqtt/ha-discovery.service';
import { MqttEventsService, THUMBNAIL_WAIT_MS } from '../../src/mqtt/mqtt-events.service';
import { MqttStateService } from '../../src/mqtt/mqtt-state.service';
import { MqttPort } from '../../src/mqtt/mqtt.port';
import { MQTT_SETTINGS } from '../../src/mqtt/mqtt.tokens';
import { SnapshotReader } from '../../src/mqtt/snapshot-reader';
import { PeopleService } from '../../src/people/people.service';
import type { RecognizedFace } from '../../src/recognition/recognition.service';
import { FakeMqttPort } from '../support/fake-mqtt';

/** The library and the cameras as the services read them. */
class FakeLibrary {
  people = [
    { id: 1, name: 'Ada' },
    { id: 2, name: 'Grace' },
  ];
  cameras: Array<{ definition: { name: string }; pipeline?: { captureStatus(): { state: string } } }> = [
    { definition: { name: 'door' }, pipeline: { captureStatus: () => ({ state: 'live' }) } },
    { definition: { name: 'yard' } },
  ];
  async findAll() {
    return this.people;
  }
  list() {
    return this.cameras;
  }
}

async function build(env: Record<string, string> = {}, mqttOff = false) {
  const mqtt = new FakeMqttPort();
  const library = new FakeLibrary();
  const snapshots = { read: jest.fn(async () => Buffer.from('JPEG')) };
  const settings: MqttSettings | null = mqttOff ? null : mqttSettingsFrom({ MQTT_URL: 'mqtt://broker', ...env });
  const module = await Test.createTestingModule({
    providers: [
      EventBus,
      MqttEventsService,
      MqttStateService,
      HaDiscoveryService,
      { provide: MQTT_SETTINGS, useValue: settings },
      { provide: MqttPort, useValue: mqttOff ? null : mqtt },
      { provide: PeopleService, useValue: library },
      { provide: CameraRegistry, useValue: library },
      { provide: SnapshotReader, useValue: snapshots },
    ],
  }).compile();
  await module.init();
  return { module, mqtt, library, snapshots, events: module.get(EventBus) };
}

const recognizedFace = (trackId: number, personId: number | null, name: string): RecognizedFace => ({
  trackId,
  personId,
  name,
  box: { x: 0, y: 0, width: 80, height: 90 },
  landmarks: [],
  score: 0.9,
  similarity: 0.7,
  confidence: 97,
});
const frame = (camera: string, faces: RecognizedFace[], recognizedAt = Date.now()) => ({
  camera,
  frameIndex: 0,
  capturedAt: recognizedAt,
  recognizedAt,
  inferenceMs: 0,
  detectMs: 0,
  embedMs: 0,
  matchingMs: 0,
  faces,
});
const faceChange = (over: Partial<FaceChangePayload> = {}): FaceChangePayload => ({
  type: 'recognised',
  camera: 'door',
  trackId: 7,
  personId: 2,
  name: 'Grace',
  confidence: 97,
  similarity: 0.7,
  box: { x: 1, y: 2, width: 80, height: 90 },
  at: '2026-01-31T12:00:00.000Z',
  ...over,
});

afterEach(() => jest.useRealTimers());

const personConfigTopic = (id: number) => `homeassistant/binary_sensor/face-stream/person_${id}/config`;

describe('Home Assistant discovery (fake broker port through DI)', () => {
  it('publishes every enrolled person and camera, retained, as soon as the broker connects: before any recognition', async () => {
    const { module, mqtt } = await build();
    expect(mqtt.published.filter((m) => m.topic.startsWith('homeassistant/'))).toEqual([]);
    mqtt.setState('connected');
    await new Promise((r) => setImmediate(r));
    const configs = mqtt.published.filter((m) => m.topic.startsWith('homeassistant/'));
    expect(configs.every((m) => m.retain && m.qos === 1)).toBe(true);
    expect(configs.map((m) => m.topic).sort()).toEqual(
      [
        'homeassistant/binary_sensor/face-stream/person_1/config',
        'homeassistant/binary_sensor/face-stream/person_2/config',
        ...['door', 'yard'].flatMap((c) => [`homeassistant/sensor/face-stream/${c}_people_count/config`, `homeassistant/sensor/face-stream/${c}_last_recognised/config`, `homeassistant/event/face-stream/${c}_recognition/config`]),
      ].sort(),
    );
    expect(mqtt.json('homeassistant/binary_sensor/face-stream/person_2/config')).toMatchObject({ name: 'Grace', unique_id: 'face-stream_person_2_presence' });
    await module.close();
  });

  it('follows enrollment, rename and deletion of people and cameras (an empty retained config removes)', async () => {
    const { module, mqtt, events } = await build();
    const topic = 'homeassistant/binary_sensor/face-stream/person_3/config';
    events.emit('person.changed', { personId: 3, name: 'Linus', change: 'added' });
    expect(mqtt.json(topic)).toMatchObject({ name: 'Linus', unique_id: 'face-stream_person_3_presence' });
    events.emit('person.changed', { personId: 3, name: 'Linus T', change: 'renamed' });
    expect(mqtt.json(topic)).toMatchObject({ name: 'Linus T', unique_id: 'face-stream_person_3_presence' });
    events.emit('person.changed', { personId: 3, name: 'Linus T', change: 'removed' });
    expect(mqtt.published.at(-1)).toMatchObject({ topic, payload: '', retain: true });
    events.emit('camera.changed', { camera: 'porch', change: 'added' });
    expect(mqtt.topics()).toContain('homeassistant/event/face-stream/porch_recognition/config');
    mqtt.clear();
    events.emit('camera.changed', { camera: 'porch', change: 'removed' });
    expect(mqtt.published.filter((m) => m.topic.startsWith('homeassistant/')).map((m) => [m.topic.split('/')[3], m.payload])).toEqual([
      ['porch_people_count', ''],
      ['porch_last_recognised', ''],
      ['porch_recognition', ''],
    ]);
    await module.close();
  });

  it('publishes everything again when Home Assistant announces online, not when it goes offline', async () => {
    const { module, mqtt } = await build();
    expect(mqtt.subscribed).toContain('homeassistant/status');
    mqtt.deliver('homeassistant/status', 'offline');
    await new Promise((r) => setImmediate(r));
    expect(mqtt.published.filter((m) => m.topic.startsWith('homeassistant/'))).toEqual([]);
    mqtt.deliver('homeassistant/status', 'online');
    await new Promise((r) => setImmediate(r));
    expect(mqtt.published.filter((m) => m.topic.includes('/binary_sensor/')).length).toBe(2);
    await module.close();
  });

  it('empties retained configs of this server for people or cameras that no longer exist, and only those', async () => {
    const { module, mqtt } = await build();
    expect(mqtt.subscribed).toContain('homeassistant/+/face-stream/+/config');
    mqtt.deliver('homeassistant/binary_sensor/face-stream/person_99/config', '{"name":"Gone"}', true);
    mqtt.deliver('homeassistant/sensor/face-stream/attic_people_count/config', '{"name":"attic"}', true);
    mqtt.deliver(personConfigTopic(1), '{"name":"Ada"}', true);
    mqtt.deliver('homeassistant/sensor/face-stream/door_people_count/config', '{"name":"door"}', true);
    mqtt.deliver('homeassistant/binary_sensor/other-server/person_99/config', '{"name":"Theirs"}', true);
    // A live (not retained) message is this server's own echo: never a reason to remove anything.
    mqtt.deliver('homeassistant/binary_sensor/face-stream/person_98/config', '{"name":"Echo"}', false);
    expect(mqtt.published.map((m) => [m.topic, m.payload, m.retain])).toEqual([
      ['homeassistant/binary_sensor/face-stream/person_99/config', '', true],
      ['homeassistant/sensor/face-stream/attic_people_count/config', '', true],
    ]);
    await module.close();
  });

  it('stays silent with HA_DISCOVERY=false, and everything stays idle with MQTT off', async () => {
    const off = await build({ HA_DISCOVERY: 'false' });
    off.mqtt.setState('connected');
    await new Promise((r) => setImmediate(r));
    expect(off.mqtt.topics().filter((t) => t.startsWith('homeassistant/'))).toEqual([]);
    expect(off.mqtt.subscribed).toEqual([]);
    await off.module.close();
    const none = await build({}, true);
    none.events.emit('frame.recognized', frame('door', [recognizedFace(1, 1, 'Ada')]));
    none.events.emit('face.changed', faceChange());
    expect(none.mqtt.published).toEqual([]);
    await none.module.close();
  });
});

describe('retained state (fake broker port through DI)', () => {
  it('publishes who each camera has in view and how many faces, only when it changes', async () => {
    const { module, mqtt, events } = await build();
    events.emit('frame.recognized', frame('door', [recognizedFace(1, 2, 'Grace'), recognizedFace(2, null, 'Unknown')]));
    events.emit('frame.recognized', frame('door', [recognizedFace(1, 2, 'Grace'), recognizedFace(2, null, 'Unknown')]));
    expect(mqtt.texts('face-stream/cameras/door/people')).toEqual(['[{"personId":2,"name":"Grace"}]']);
    expect(mqtt.texts('face-stream/cameras/door/count')).toEqual(['2']);
    events.emit('frame.recognized', frame('door', []));
    expect(mqtt.texts('face-stream/cameras/door/count')).toEqual(['2', '0']);
    expect(mqtt.published.filter((m) => m.topic.startsWith('face-stream/cameras/')).every((m) => m.retain && m.qos === 1)).toBe(true);
    await module.close();
  });

  it('marks a person present on the camera that sees them, and absent after the presence timeout', async () => {
    jest.useFakeTimers({ now: 1_000_000, doNotFake: ['setImmediate', 'nextTick'] });
    const { module, mqtt, events } = await build({ MQTT_PRESENCE_TIMEOUT_MS: '5000' });
    events.emit('frame.recognized', frame('door', [recognizedFace(1, 2, 'Grace')], Date.now()));
    expect(mqtt.json('face-stream/people/2')).toEqual({ personId: 2, name: 'Grace', present: true, camera: 'door', lastSeen: new Date(1_000_000).toISOString() });
    jest.advanceTimersByTime(4000);
    expect(mqtt.json('face-stream/people/2').present).toBe(true);
    jest.advanceTimersByTime(2000);
    expect(mqtt.json('face-stream/people/2')).toMatchObject({ present: false, camera: 'door', lastSeen: new Date(1_000_000).toISOString() });
    await module.close();
  });

  it('publishes all of it again on every (re)connect: camera states, views, and every enrolled person', async () => {
    const { module, mqtt, events } = await build();
    events.emit('frame.recognized', frame('door', [recognizedFace(1, 2, 'Grace')]));
    mqtt.clear();
    mqtt.setState('connected');
    expect(mqtt.last('face-stream/cameras/door/state')).toBe('live');
    expect(mqtt.last('face-stream/cameras/yard/state')).toBe('disabled');
    expect(mqtt.last('face-stream/cameras/door/count')).toBe('1');
    expect(mqtt.last('face-stream/cameras/yard/count')).toBe('0');
    expect(mqtt.json('face-stream/people/1')).toMatchObject({ name: 'Ada', present: false, camera: null, lastSeen: null });
    expect(mqtt.json('face-stream/people/2')).toMatchObject({ name: 'Grace', present: true, camera: 'door' });
    mqtt.setState('reconnecting');
    mqtt.clear();
    mqtt.setState('connected');
    expect(mqtt.topics()).toEqual(expect.arrayContaining(['face-stream/cameras/door/state', 'face-stream/people/1', 'face-stream/people/2']));
    await module.close();
  });

  it('clears a removed camera\'s and a deleted person\'s retained topics, and relays camera states', async () => {
    const { module, mqtt, events, library } = await build();
    events.emit('camera.state', { camera: 'door', state: 'reconnecting', previous: 'live' });
    expect(mqtt.last('face-stream/cameras/door/state')).toBe('reconnecting');
    library.cameras = library.cameras.filter(({ definition }) => definition.name !== 'door');
    events.emit('camera.changed', { camera: 'door', change: 'removed' });
    for (const topic of ['people', 'count', 'state', 'last-recognised', 'snapshot']) expect(mqtt.last(`face-stream/cameras/door/${topic}`)).toBe('');
    // A frame still in flight from the removed camera does not bring its topics back.
    events.emit('frame.recognized', frame('door', [recognizedFace(1, 1, 'Ada')]));
    expect(mqtt.last('face-stream/cameras/door/people')).toBe('');
    events.emit('person.changed', { personId: 2, name: 'Grace', change: 'removed' });
    expect(mqtt.last('face-stream/people/2')).toBe('');
    // Seen again after deletion (a frame in flight): nothing published for them.
    events.emit('frame.recognized', frame('hall', [recognizedFace(1, 2, 'Grace')]));
    expect(mqtt.last('face-stream/people/2')).toBe('');
    await module.close();
  });
});

describe('face events (fake broker port through DI)', () => {
  it('publishes a recognised face with its sighting thumbnail, to the events topic, the camera event entity and last-recognised', async () => {
    const { module, mqtt, events } = await build({ MQTT_PUBLIC_URL: 'http://faces.local:3000' });
    events.emit('face.changed', faceChange());
    expect(mqtt.texts('face-stream/events')).toEqual([]); // waits for its sighting
    events.emit('sighting.changed', { id: 12, camera: 'door', personId: 2, personName: 'Grace', firstSeen: '', lastSeen: '', bestConfidence: 97, ongoing: true, thumbnailUrl: '/sightings/12/thumbnail' });
    const expected = { type: 'recognised', camera: 'door', personId: 2, name: 'Grace', trackId: 7, thumbnailUrl: 'http://faces.local:3000/sightings/12/thumbnail' };
    expect(mqtt.json('face-stream/events')).toMatchObject(expected);
    expect(mqtt.json('face-stream/cameras/door/events')).toMatchObject({ event_type: 'recognised', name: 'Grace' });
    expect(mqtt.json('face-stream/cameras/door/last-recognised')).toMatchObject({ personId: 2, name: 'Grace' });
    expect(mqtt.published.find((m) => m.topic.endsWith('/last-recognised'))).toMatchObject({ retain: true, qos: 1 });
    expect(mqtt.published.find((m) => m.topic === 'face-stream/events')).toMatchObject({ retain: false, qos: 1 });
    expect(mqtt.topics()).not.toContain('face-stream/cameras/door/snapshot');
    await module.close();
  });

  it('goes out without a thumbnail when no sighting comes in time; left and unknown faces go out at once', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    const { module, mqtt, events } = await build();
    events.emit('face.changed', faceChange());
    jest.advanceTimersByTime(THUMBNAIL_WAIT_MS + 300);
    expect(mqtt.json('face-stream/events')).toMatchObject({ type: 'recognised', thumbnailUrl: null });
    events.emit('face.changed', faceChange({ type: 'left' }));
    expect(mqtt.json('face-stream/events')).toMatchObject({ type: 'left', name: 'Grace' });
    events.emit('face.changed', faceChange({ type: 'unknown', personId: null, name: 'Unknown', unknownFaceId: 4 }));
    expect(mqtt.json('face-stream/events')).toMatchObject({ type: 'unknown', thumbnailUrl: '/unknown-faces/4/thumbnail', unknownFaceId: 4 });
    // Home Assistant's event entity gets recognised and unknown only.
    expect(mqtt.texts('face-stream/cameras/door/events').map((t) => JSON.parse(t).event_type)).toEqual(['recognised', 'unknown']);
    await module.close();
  });

  it('with MQTT_SNAPSHOTS, publishes the event face\'s JPEG retained on the camera\'s snapshot topic', async () => {
    const { module, mqtt, events, snapshots } = await build({ MQTT_SNAPSHOTS: 'true' });
    events.emit('face.changed', faceChange({ type: 'unknown', personId: null, name: 'Unknown', unknownFaceId: 4 }));
    await new Promise((r) => setImmediate(r));
    expect(snapshots.read).toHaveBeenCalledWith(expect.objectContaining({ unknownFaceId: 4 }), null);
    expect(mqtt.published.find((m) => m.topic === 'face-stream/cameras/door/snapshot')).toMatchObject({ payload: Buffer.from('JPEG'), retain: true });
    await module.close();
  });
});

describe('erasure reaches retained MQTT state (fake broker port through DI)', () => {
  it('empties the retained last-recognised and snapshot topics that show a deleted person, and only those', async () => {
    const { module, mqtt, events } = await build({ MQTT_SNAPSHOTS: 'true' });
    events.emit('face.changed', faceChange({ camera: 'door', type: 'left' })); // no retained topic for a departure
    events.emit('face.changed', faceChange({ camera: 'yard', personId: 1, name: 'Ada', trackId: 3 }));
    events.emit('sighting.changed', { id: 11, camera: 'yard', personId: 1, personName: 'Ada', firstSeen: '', lastSeen: '', bestConfidence: 97, ongoing: true, thumbnailUrl: '' });
    events.emit('face.changed', faceChange({ camera: 'door' }));
    events.emit('sighting.changed', { id: 12, camera: 'door', personId: 2, personName: 'Grace', firstSeen: '', lastSeen: '', bestConfidence: 97, ongoing: true, thumbnailUrl: '' });
    events.emit('frame.recognized', frame('door', [recognizedFace(1, 2, 'Grace'), recognizedFace(2, 1, 'Ada')]));
    await new Promise((r) => setImmediate(r));
    expect(mqtt.json('face-stream/cameras/door/last-recognised')).toMatchObject({ personId: 2 });
    expect(mqtt.last('face-stream/cameras/door/snapshot')).toBe('JPEG');

    const mark = mqtt.published.length;
    events.emit('person.changed', { personId: 2, name: 'Grace', change: 'removed' });
    const cleared = mqtt.published.slice(mark).filter((m) => m.payload.length === 0);
    expect(cleared.map((m) => [m.topic, m.retain]).sort()).toEqual([
      ['face-stream/cameras/door/last-recognised', true],
      ['face-stream/cameras/door/snapshot', true],
      ['face-stream/people/2', true],
      [personConfigTopic(2), true],
    ]);
    // Ada's topics are hers still; the door's view loses Grace at once.
    expect(mqtt.json('face-stream/cameras/yard/last-recognised')).toMatchObject({ personId: 1, name: 'Ada' });
    expect(mqtt.last('face-stream/cameras/yard/snapshot')).toBe('JPEG');
    expect(mqtt.json('face-stream/cameras/door/people')).toEqual([{ personId: 1, name: 'Ada' }]);

    // An event for her still in flight does not bring her back into retained topics.
    const count = mqtt.published.length;
    events.emit('face.changed', faceChange({ camera: 'door', trackId: 9 }));
    events.emit('sighting.changed', { id: 13, camera: 'door', personId: 2, personName: 'Grace', firstSeen: '', lastSeen: '', bestConfidence: 97, ongoing: true, thumbnailUrl: '' });
    await new Promise((r) => setImmediate(r));
    expect(mqtt.published.slice(count).filter((m) => m.retain)).toEqual([]);
    expect(mqtt.last('face-stream/cameras/door/last-recognised')).toBe('');
    await module.close();
  });
});

describe('MQTT metrics', () => {
  it('reads the client\'s counters when scraped, and registers nothing with MQTT off', async () => {
    const registry = new Registry();
    const mqtt = new FakeMqttPort();
    mqtt.counters = () => ({ reconnects: 3, published: 120, dropped: 7, queued: 5 });
    new MqttMetrics({ registry } as unknown as MetricsService, mqtt).onModuleInit();
    mqtt.setState('connected');
    const text = await registry.metrics();
    for (const line of [
      'facestream_mqtt_connected 1',
      'facestream_mqtt_reconnects_total 3',
      'facestream_mqtt_messages_published_total 120',
      'facestream_mqtt_messages_dropped_total 7',
      'facestream_mqtt_queued_messages 5',
    ]) expect(text.split('\n')).toContain(line);
    mqtt.setState('reconnecting');
    expect((await registry.metrics()).split('\n')).toContain('facestream_mqtt_connected 0');
    const off = new Registry();
    new MqttMetrics({ registry: off } as unknown as MetricsService, null).onModuleInit();
    expect(await off.metrics()).toBe('\n');
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mqttSettingsFrom, redactUrl } from '../../src/config/mqtt-config';
import type { FaceChangePayload } from '../../src/events/app-events';
import { thumbnailPath, toEventMessage, toHaEvent, toLastRecognised } from '../../src/mqtt/event-messages';
import { cameraDiscovery, cameraRemoval, DiscoveryContext, personDiscovery, personRemoval } from '../../src/mqtt/ha-discovery';
import { mqttHealthOf } from '../../src/mqtt/mqtt-health';
import { Outbox } from '../../src/mqtt/outbox';
import { cameraViewOf, PresenceBook, toPresenceMessage } from '../../src/mqtt/presence-book';
import { ThumbnailJoin } from '../../src/mqtt/thumbnail-join';
import { mqttTopics, nodeIdOf, topicMatches } from '../../src/mqtt/topics';

const change = (over: Partial<FaceChangePayload> = {}): FaceChangePayload => ({
  type: 'recognised',
  camera: 'door',
  trackId: 7,
  personId: 3,
  name: 'Grace',
  confidence: 97.2,
  similarity: 0.712,
  box: { x: 10, y: 21, width: 100, height: 120 },
  at: '2026-01-31T12:00:00.000Z',
  ...over,
});

describe('mqttSettingsFrom', () => {
  it('is null (MQTT off) without MQTT_URL, and applies the defaults with one', () => {
    expect(mqttSettingsFrom({})).toBeNull();
    expect(mqttSettingsFrom({ MQTT_URL: '' })).toBeNull();
    expect(mqttSettingsFrom({ MQTT_URL: 'mqtt://broker:1883' })).toMatchObject({
      MQTT_URL: 'mqtt://broker:1883',
      MQTT_TOPIC_PREFIX: 'face-stream',
      HA_DISCOVERY: true,
      HA_DISCOVERY_PREFIX: 'homeassistant',
      MQTT_SNAPSHOTS: false,
      MQTT_REJECT_UNAUTHORIZED: true,
      MQTT_QUEUE_MAX: 1000,
      tls: {},
    });
  });

  it('converts strings and reads the TLS files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mqtt-config-'));
    writeFileSync(join(dir, 'ca.pem'), 'CA');
    const settings = mqttSettingsFrom({ MQTT_URL: 'mqtts://b:8883', HA_DISCOVERY: 'false', MQTT_SNAPSHOTS: 'yes', MQTT_QUEUE_MAX: '50', MQTT_CA_FILE: join(dir, 'ca.pem'), MQTT_REJECT_UNAUTHORIZED: 'false' });
    expect(settings).toMatchObject({ HA_DISCOVERY: false, MQTT_SNAPSHOTS: true, MQTT_QUEUE_MAX: 50, MQTT_REJECT_UNAUTHORIZED: false });
    expect(settings!.tls.ca!.toString()).toBe('CA');
  });

  it('names every bad setting, and never repeats a password', () => {
    let message = '';
    try {
      mqttSettingsFrom({
        MQTT_URL: 'http://user:secret@broker',
        MQTT_TOPIC_PREFIX: 'a/#',
        MQTT_QUEUE_MAX: '0',
        MQTT_CA_FILE: '/nonexistent/ca.pem',
        MQTT_CERT_FILE: '/x.pem',
        MQTT_PASSWORD: 'hunter2',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^Invalid configuration:/);
    for (const setting of ['MQTT_URL', 'MQTT_TOPIC_PREFIX', 'MQTT_QUEUE_MAX', 'MQTT_CA_FILE', 'MQTT_CERT_FILE and MQTT_KEY_FILE']) expect(message).toContain(setting);
    expect(message).not.toMatch(/secret|hunter2/);
  });

  it('masks a password inside a broker URL', () => {
    expect(redactUrl('mqtts://user:pa55@host:8883')).toBe('mqtts://user:***@host:8883');
    expect(redactUrl('mqtt://host:1883')).toBe('mqtt://host:1883');
  });
});

describe('Outbox', () => {
  const message = (topic: string, payload: string, retain = false) => ({ topic, payload, retain, qos: 1 as const });

  it('keeps order, drops the oldest beyond its capacity and counts the drops', () => {
    const outbox = new Outbox(3);
    for (let i = 0; i < 5; i++) outbox.push(message('events', String(i)));
    expect(outbox.dropped).toBe(2);
    expect([outbox.shift(), outbox.shift(), outbox.shift(), outbox.shift()].map((m) => m?.payload)).toEqual(['2', '3', '4', undefined]);
  });

  it('keeps only the newest retained message of a topic, in the older one\'s place', () => {
    const outbox = new Outbox(10);
    outbox.push(message('count', '1', true));
    outbox.push(message('events', 'a'));
    outbox.push(message('count', '2', true));
    outbox.push(message('events', 'b'));
    expect(outbox.length).toBe(3);
    expect([outbox.shift(), outbox.shift(), outbox.shift()].map((m) => `${m!.topic}=${m!.payload}`)).toEqual(['count=2', 'events=a', 'events=b']);
    expect(outbox.dropped).toBe(0);
  });
});

describe('topics', () => {
  it('derives every topic from the prefix, keyed by camera name and person id', () => {
    const topics = mqttTopics('home/faces');
    expect(topics.available).toBe('home/faces/available');
    expect(topics.events).toBe('home/faces/events');
    expect(topics.camera('door')).toEqual({
      people: 'home/faces/cameras/door/people',
      count: 'home/faces/cameras/door/count',
      state: 'home/faces/cameras/door/state',
      lastRecognised: 'home/faces/cameras/door/last-recognised',
      events: 'home/faces/cameras/door/events',
      snapshot: 'home/faces/cameras/door/snapshot',
    });
    expect(topics.person(12)).toBe('home/faces/people/12');
    expect(nodeIdOf('home/faces')).toBe('home_faces');
  });

  it('matches subscription filters with MQTT wildcards', () => {
    expect(topicMatches('homeassistant/status', 'homeassistant/status')).toBe(true);
    expect(topicMatches('homeassistant/status', 'homeassistant/status/x')).toBe(false);
    expect(topicMatches('ha/+/node/+/config', 'ha/sensor/node/door_count/config')).toBe(true);
    expect(topicMatches('ha/+/node/+/config', 'ha/sensor/other/door_count/config')).toBe(false);
    expect(topicMatches('ha/+/node/+/config', 'ha/sensor/node/config')).toBe(false);
    expect(topicMatches('face-stream/#', 'face-stream/cameras/door/count')).toBe(true);
    expect(topicMatches('face-stream/#', 'other/x')).toBe(false);
  });
});

describe('event messages', () => {
  it('carries type, camera, person, confidence, similarity, box, track, time and thumbnail URL', () => {
    const message = toEventMessage(change(), 'http://host/sightings/4/thumbnail');
    expect(message).toEqual({
      type: 'recognised',
      camera: 'door',
      personId: 3,
      name: 'Grace',
      confidence: 97.2,
      similarity: 0.712,
      box: { x: 10, y: 21, width: 100, height: 120 },
      trackId: 7,
      at: '2026-01-31T12:00:00.000Z',
      thumbnailUrl: 'http://host/sightings/4/thumbnail',
    });
    expect(toHaEvent(message)).toEqual({ event_type: 'recognised', ...message, type: undefined });
    expect(Object.keys(toHaEvent(message)!)).not.toContain('type');
    expect(toLastRecognised(message)).toEqual({ personId: 3, name: 'Grace', confidence: 97.2, at: message.at, thumbnailUrl: message.thumbnailUrl });
  });

  it('gives Home Assistant only the event types its entity declares', () => {
    expect(toHaEvent(toEventMessage(change({ type: 'unknown', personId: null, name: 'Unknown', unknownFaceId: 9 }), null))).toMatchObject({ event_type: 'unknown', unknownFaceId: 9 });
    expect(toHaEvent(toEventMessage(change({ type: 'left' }), null))).toBeNull();
    expect(toHaEvent(toEventMessage(change({ type: 'renamed' }), null))).toBeNull();
  });

  it('points at the sighting thumbnail for named faces and the inbox thumbnail for unknown ones', () => {
    expect(thumbnailPath(change(), 12)).toBe('/sightings/12/thumbnail');
    expect(thumbnailPath(change(), null)).toBeNull();
    expect(thumbnailPath(change({ type: 'unknown', personId: null, unknownFaceId: 5 }), 12)).toBe('/unknown-faces/5/thumbnail');
  });
});

describe('ThumbnailJoin', () => {
  it('holds a recognised face until its sighting is announced, then releases it with the sighting', () => {
    const join = new ThumbnailJoin(1000);
    expect(join.add(change(), 0)).toBeNull();
    expect(join.sighting({ id: 8, camera: 'other', personId: 3, ongoing: true })).toEqual([]);
    expect(join.sighting({ id: 9, camera: 'door', personId: 3, ongoing: true })).toEqual([{ change: change(), sightingId: 9 }]);
    expect(join.waiting).toBe(0);
    // The appearance goes on: the next track of the same person has it at once.
    expect(join.add(change({ trackId: 8 }), 10)).toEqual({ change: change({ trackId: 8 }), sightingId: 9 });
  });

  it('releases a held face without thumbnail after the wait, and a face that left with the newest sighting', () => {
    const join = new ThumbnailJoin(1000);
    join.add(change(), 0);
    expect(join.expire(999)).toEqual([]);
    expect(join.expire(1000)).toEqual([{ change: change(), sightingId: null }]);
    join.sighting({ id: 4, camera: 'door', personId: 3, ongoing: true });
    join.sighting({ id: 4, camera: 'door', personId: 3, ongoing: false });
    expect(join.add(change({ type: 'left' }), 2000)).toEqual({ change: change({ type: 'left' }), sightingId: 4 });
    // Ended: a new appearance waits for its own sighting.
    expect(join.add(change(), 2000)).toBeNull();
  });

  it('never holds unknown faces', () => {
    const unknown = change({ type: 'unknown', personId: null, unknownFaceId: 1 });
    expect(new ThumbnailJoin(1000).add(unknown, 0)).toEqual({ change: unknown, sightingId: null });
  });
});

describe('PresenceBook', () => {
  const options = { timeoutMs: 10_000, refreshMs: 5000, stickMs: 2000 };

  it('reports arrival once, refreshes last seen now and then, and departure after the timeout', () => {
    const book = new PresenceBook(options);
    expect(book.observe('door', 1000, [3, 3])).toEqual([{ personId: 3, present: true, camera: 'door', lastSeen: 1000 }]);
    expect(book.observe('door', 2000, [3])).toEqual([]);
    expect(book.observe('door', 6500, [3])).toEqual([{ personId: 3, present: true, camera: 'door', lastSeen: 6500 }]);
    expect(book.expire(16_000)).toEqual([]);
    expect(book.expire(16_500)).toEqual([{ personId: 3, present: false, camera: 'door', lastSeen: 6500 }]);
    expect(book.expire(30_000)).toEqual([]);
    expect(book.of(3)).toEqual({ personId: 3, present: false, camera: 'door', lastSeen: 6500 });
    expect(book.of(99)).toEqual({ personId: 99, present: false, camera: null, lastSeen: null });
  });

  it('moves a person to another camera only once the first one stopped seeing them', () => {
    const book = new PresenceBook(options);
    book.observe('door', 0, [3]);
    expect(book.observe('hall', 500, [3])).toEqual([]);
    book.observe('door', 1000, [3]);
    expect(book.observe('hall', 2500, [3])).toEqual([]);
    expect(book.observe('hall', 3000, [3])).toEqual([{ personId: 3, present: true, camera: 'hall', lastSeen: 3000 }]);
    // Seen by the second camera meanwhile: still present.
    expect(book.expire(12_000)).toEqual([]);
  });

  it('shapes the retained message with the current name and ISO times', () => {
    expect(toPresenceMessage({ personId: 3, present: true, camera: 'door', lastSeen: 0 }, 'Grace')).toEqual({
      personId: 3,
      name: 'Grace',
      present: true,
      camera: 'door',
      lastSeen: '1970-01-01T00:00:00.000Z',
    });
    expect(toPresenceMessage({ personId: 3, present: false, camera: null, lastSeen: null }, 'Grace').lastSeen).toBeNull();
  });

  it('lists who a camera has in view (once each, by id) and counts every face', () => {
    expect(cameraViewOf([{ personId: 4, name: 'B' }, { personId: null, name: 'Unknown' }, { personId: 2, name: 'A' }, { personId: 4, name: 'B' }])).toEqual({
      people: [{ personId: 2, name: 'A' }, { personId: 4, name: 'B' }],
      count: 4,
    });
  });
});

describe('Home Assistant discovery payloads', () => {
  const context: DiscoveryContext = { discoveryPrefix: 'homeassistant', nodeId: 'face-stream', topics: mqttTopics('face-stream'), swVersion: '1.2.3' };

  it('makes a presence binary sensor per person, with a unique id from the person id only', () => {
    const { topic, config } = personDiscovery(context, { id: 3, name: 'Grace' });
    expect(topic).toBe('homeassistant/binary_sensor/face-stream/person_3/config');
    expect(config).toMatchObject({
      name: 'Grace',
      unique_id: 'face-stream_person_3_presence',
      device_class: 'presence',
      state_topic: 'face-stream/people/3',
      json_attributes_topic: 'face-stream/people/3',
      availability_topic: 'face-stream/available',
      payload_available: 'online',
      payload_not_available: 'offline',
      device: { identifiers: ['face_stream_face-stream'], name: 'Face stream', sw_version: '1.2.3' },
    });
    // A rename keeps the topic and the unique id.
    const renamed = personDiscovery(context, { id: 3, name: 'Grace Hopper' });
    expect([renamed.topic, renamed.config!.unique_id, renamed.config!.name]).toEqual([topic, config!.unique_id, 'Grace Hopper']);
    expect(personRemoval(context, 3)).toEqual({ topic, config: null });
  });

  it('makes three entities per camera: faces in view, last recognised, and an event entity', () => {
    const messages = cameraDiscovery(context, 'door');
    expect(messages.map((m) => m.topic)).toEqual([
      'homeassistant/sensor/face-stream/door_people_count/config',
      'homeassistant/sensor/face-stream/door_last_recognised/config',
      'homeassistant/event/face-stream/door_recognition/config',
    ]);
    expect(messages.map((m) => m.config!.unique_id)).toEqual(['face-stream_camera_door_people_count', 'face-stream_camera_door_last_recognised', 'face-stream_camera_door_recognition']);
    expect(messages[0].config).toMatchObject({ state_topic: 'face-stream/cameras/door/count', state_class: 'measurement' });
    expect(messages[1].config).toMatchObject({ state_topic: 'face-stream/cameras/door/last-recognised', value_template: '{{ value_json.name }}' });
    expect(messages[2].config).toMatchObject({ state_topic: 'face-stream/cameras/door/events', event_types: ['recognised', 'unknown'] });
    for (const message of messages) expect(message.config).toMatchObject({ availability_topic: 'face-stream/available', device: { identifiers: ['face_stream_face-stream'] } });
    expect(cameraRemoval(context, 'door')).toEqual(messages.map(({ topic }) => ({ topic, config: null })));
  });
});

describe('mqttHealthOf', () => {
  it('is up while connected and degraded (never down) otherwise, with the counters', () => {
    const counters = { reconnects: 2, published: 10, dropped: 1, queued: 3 };
    expect(mqttHealthOf('connected', counters)).toEqual({ status: 'up', data: { state: 'connected', reconnects: 2, queued: 3, dropped: 1 } });
    expect(mqttHealthOf('reconnecting', { ...counters, lastError: 'connect ECONNREFUSED' })).toEqual({
      status: 'degraded',
      data: { state: 'reconnecting', reconnects: 2, queued: 3, dropped: 1, lastError: 'connect ECONNREFUSED' },
    });
    expect(mqttHealthOf('connecting', counters).status).toBe('degraded');
  });
});

/**
 * Home Assistant MQTT discovery payloads: pure. One device per server; unique ids are built
 * from the node id, person ids and camera names (never display names), so they survive
 * restarts and renames.
 */
import { HA_EVENT_TYPES } from './event-messages';
import type { MqttTopics } from './topics';

export interface DiscoveryContext {
  /** `homeassistant` unless HA_DISCOVERY_PREFIX says otherwise. */
  discoveryPrefix: string;
  /** This server's id (from its topic prefix). */
  nodeId: string;
  topics: MqttTopics;
  swVersion: string;
}

/** A retained config message; `config` null removes the entity (an empty retained message). */
export interface DiscoveryMessage {
  topic: string;
  config: Record<string, unknown> | null;
}

function device(context: DiscoveryContext) {
  return {
    identifiers: [`face_stream_${context.nodeId}`],
    name: context.nodeId === 'face-stream' ? 'Face stream' : `Face stream ${context.nodeId}`,
    manufacturer: 'face-stream',
    model: 'Face recognition server',
    sw_version: context.swVersion,
  };
}

/** What every entity of this server shares: the device and its availability. */
function common(context: DiscoveryContext) {
  return {
    device: device(context),
    availability_topic: context.topics.available,
    payload_available: 'online',
    payload_not_available: 'offline',
    origin: { name: 'face-stream', sw_version: context.swVersion },
  };
}

const personTopic = (c: DiscoveryContext, personId: number) => `${c.discoveryPrefix}/binary_sensor/${c.nodeId}/person_${personId}/config`;

/** A person's presence: a binary sensor, with the camera and last-seen time as attributes. */
export function personDiscovery(context: DiscoveryContext, person: { id: number; name: string }): DiscoveryMessage {
  const state = context.topics.person(person.id);
  return {
    topic: personTopic(context, person.id),
    config: {
      name: person.name,
      unique_id: `${context.nodeId}_person_${person.id}_presence`,
      device_class: 'presence',
      icon: 'mdi:account',
      state_topic: state,
      value_template: "{{ 'ON' if value_json.present else 'OFF' }}",
      json_attributes_topic: state,
      ...common(context),
    },
  };
}

export function personRemoval(context: DiscoveryContext, personId: number): DiscoveryMessage {
  return { topic: personTopic(context, personId), config: null };
}

const cameraTopics = (c: DiscoveryContext, camera: string) => ({
  count: `${c.discoveryPrefix}/sensor/${c.nodeId}/${camera}_people_count/config`,
  lastRecognised: `${c.discoveryPrefix}/sensor/${c.nodeId}/${camera}_last_recognised/config`,
  event: `${c.discoveryPrefix}/event/${c.nodeId}/${camera}_recognition/config`,
});

/** A camera's three entities: faces in view, last person recognised, and its recognition events. */
export function cameraDiscovery(context: DiscoveryContext, camera: string): DiscoveryMessage[] {
  const topics = cameraTopics(context, camera);
  const state = context.topics.camera(camera);
  const id = `${context.nodeId}_camera_${camera}`;
  return [
    {
      topic: topics.count,
      config: {
        name: `${camera} faces in view`,
        unique_id: `${id}_people_count`,
        icon: 'mdi:account-group',
        state_topic: state.count,
        state_class: 'measurement',
        unit_of_measurement: 'faces',
        ...common(context),
      },
    },
    {
      topic: topics.lastRecognised,
      config: {
        name: `${camera} last recognised`,
        unique_id: `${id}_last_recognised`,
        icon: 'mdi:face-recognition',
        state_topic: state.lastRecognised,
        value_template: '{{ value_json.name }}',
        json_attributes_topic: state.lastRecognised,
        ...common(context),
      },
    },
    {
      topic: topics.event,
      config: {
        name: `${camera} recognition`,
        unique_id: `${id}_recognition`,
        icon: 'mdi:cctv',
        state_topic: state.events,
        event_types: [...HA_EVENT_TYPES],
        ...common(context),
      },
    },
  ];
}

export function cameraRemoval(context: DiscoveryContext, camera: string): DiscoveryMessage[] {
  return Object.values(cameraTopics(context, camera)).map((topic) => ({ topic, config: null }));
}

/** The subscription filter covering every discovery config of this server (to find stale ones). */
export function ownConfigsFilter(context: DiscoveryContext): string {
  return `${context.discoveryPrefix}/+/${context.nodeId}/+/config`;
}

/** The config topics this server should have now: anything else under its node id is stale. */
export function expectedConfigTopics(context: DiscoveryContext, personIds: Iterable<number>, cameras: Iterable<string>): Set<string> {
  const topics = new Set<string>();
  for (const id of personIds) topics.add(personTopic(context, id));
  for (const camera of cameras) for (const topic of Object.values(cameraTopics(context, camera))) topics.add(topic);
  return topics;
}

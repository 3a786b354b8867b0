/** Every topic this server publishes, from its prefix: pure. Cameras and people are keyed by name / id, never by display name. */

export interface MqttTopics {
  /** `online` / `offline`, retained; also the last will. */
  available: string;
  /** One JSON message per meaningful change on any camera. */
  events: string;
  camera(camera: string): {
    /** Who is in view now (JSON list), retained. */
    people: string;
    /** How many faces are in view now, retained. */
    count: string;
    /** The camera's capture state, retained. */
    state: string;
    /** The last person recognised on the camera (JSON), retained. */
    lastRecognised: string;
    /** The camera's `recognised` / `unknown` events, shaped for a Home Assistant `event` entity. */
    events: string;
    /** The JPEG of the newest event's face, retained (MQTT_SNAPSHOTS). */
    snapshot: string;
  };
  /** A person's presence (JSON), retained. */
  person(personId: number): string;
}

export function mqttTopics(prefix: string): MqttTopics {
  return {
    available: `${prefix}/available`,
    events: `${prefix}/events`,
    camera: (camera) => {
      const base = `${prefix}/cameras/${camera}`;
      return {
        people: `${base}/people`,
        count: `${base}/count`,
        state: `${base}/state`,
        lastRecognised: `${base}/last-recognised`,
        events: `${base}/events`,
        snapshot: `${base}/snapshot`,
      };
    },
    person: (personId) => `${prefix}/people/${personId}`,
  };
}

/** The id of this server in Home Assistant (device identifier, discovery node id): the prefix, with what HA refuses replaced. */
export function nodeIdOf(prefix: string): string {
  return prefix.replace(/[^a-zA-Z0-9_-]/g, '_');
}

/** Whether `topic` matches the subscription `filter` (MQTT wildcards: `+` one level, `#` the rest). */
export function topicMatches(filter: string, topic: string): boolean {
  const wanted = filter.split('/');
  const levels = topic.split('/');
  for (let i = 0; i < wanted.length; i++) {
    if (wanted[i] === '#') return true;
    if (i >= levels.length || (wanted[i] !== '+' && wanted[i] !== levels[i])) return false;
  }
  return wanted.length === levels.length;
}

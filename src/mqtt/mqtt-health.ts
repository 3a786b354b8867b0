/** How /health shows MQTT: pure. MQTT is an extra channel, so a lost broker degrades the check and never fails it. */
import type { MqttConnectionState, MqttCounters } from './mqtt.port';

export interface MqttHealth {
  status: 'up' | 'degraded';
  data: { state: MqttConnectionState; reconnects: number; queued: number; dropped: number; lastError?: string };
}

export function mqttHealthOf(state: MqttConnectionState, counters: MqttCounters): MqttHealth {
  return {
    status: state === 'connected' ? 'up' : 'degraded',
    data: {
      state,
      reconnects: counters.reconnects,
      queued: counters.queued,
      dropped: counters.dropped,
      ...(counters.lastError ? { lastError: counters.lastError } : {}),
    },
  };
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The validated MqttSettings, or null when MQTT_URL is unset (MQTT off). */
export const MQTT_SETTINGS = Symbol('MQTT_SETTINGS');

/** This server's version, for Home Assistant's device page. */
export function serverVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

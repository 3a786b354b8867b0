/**
 * What counts as healthy, without the framework. A camera is healthy while it delivers frames
 * (`live`), or when a finite file it was told not to loop has played out (`ended`): every
 * other state (connecting, reconnecting, offline, stopped, idle) means viewers get no
 * live picture, so /health answers 503.
 */
const HEALTHY_CAMERA_STATES = new Set(['live', 'ended']);

export function isCameraHealthy(state: string): boolean {
  return HEALTHY_CAMERA_STATES.has(state);
}

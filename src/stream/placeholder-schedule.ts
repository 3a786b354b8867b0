import type { CameraState } from '../camera/camera-capture';

/** Why viewers get the offline image instead of the live picture. */
export type OfflineReason = 'camera-down' | 'no-signal';

export interface PlaceholderPolicy {
  /** Time between two offline images sent to viewers. */
  intervalMs: number;
  /** No new frame for this long counts as offline, even before the camera is declared failed. */
  offlineAfterMs: number;
}

export interface PlaceholderClock {
  now: number;
  cameraState: CameraState;
  /** When the stream started waiting for frames. */
  startedAt: number;
  /** When the last camera frame arrived, if any. */
  lastFrameAt?: number;
  /** When the last offline image was sent, if any. */
  lastPlaceholderAt?: number;
}

/**
 * Whether the stream is offline: the camera is reconnecting (at once), or it is supposed to be
 * delivering but nothing arrived for `offlineAfterMs` (a hung source, before its read timeout
 * fires). A finished file, a stopped or not yet started camera are not "offline". Pure.
 */
export function offlineReason(clock: PlaceholderClock, policy: PlaceholderPolicy): OfflineReason | undefined {
  if (clock.cameraState === 'reconnecting') return 'camera-down';
  if (clock.cameraState !== 'live' && clock.cameraState !== 'connecting') return undefined;
  const since = clock.lastFrameAt ?? clock.startedAt;
  return clock.now - since >= policy.offlineAfterMs ? 'no-signal' : undefined;
}

/** Whether to send an offline image now: offline, and the last one is at least one interval old. */
export function placeholderDue(clock: PlaceholderClock, policy: PlaceholderPolicy): OfflineReason | undefined {
  const reason = offlineReason(clock, policy);
  if (!reason) return undefined;
  if (clock.lastPlaceholderAt !== undefined && clock.now - clock.lastPlaceholderAt < policy.intervalMs) return undefined;
  return reason;
}

/** The text drawn on the offline image. */
export function placeholderLines(reason: OfflineReason, offlineForMs: number): string[] {
  const seconds = Math.max(0, Math.floor(offlineForMs / 1000));
  return [
    reason === 'camera-down' ? 'CAMERA OFFLINE - reconnecting' : 'NO SIGNAL - waiting for the camera',
    `no picture for ${seconds} s`,
  ];
}

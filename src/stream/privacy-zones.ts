/**
 * Privacy zones: parts of a camera's picture where nothing is detected, recorded or shown. Pure.
 * A zone is a polygon in fractions of the frame (0–1 from the top-left corner), so it stays right
 * when the camera's resolution changes.
 */
import type { Box } from '../recognition/face.types';

export type ZonePoint = [x: number, y: number];
export type PrivacyZone = ZonePoint[];

export const MAX_ZONES = 16;
export const MAX_ZONE_POINTS = 64;

/** Why `value` is not a list of zones, or undefined when it is one. */
export function zoneListProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'must be a list of polygons, each a list of [x, y] points in fractions of the frame (0 to 1)';
  if (value.length > MAX_ZONES) return `must hold at most ${MAX_ZONES} polygons (got ${value.length})`;
  for (const [i, zone] of value.entries()) {
    if (!Array.isArray(zone) || zone.length < 3 || zone.length > MAX_ZONE_POINTS) return `polygon ${i + 1} must have 3 to ${MAX_ZONE_POINTS} points`;
    for (const point of zone) {
      const ok = Array.isArray(point) && point.length === 2 && point.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1);
      if (!ok) return `polygon ${i + 1}: every point must be [x, y] with x and y from 0 to 1 (got ${JSON.stringify(point)})`;
    }
  }
  return undefined;
}

/** Whether (x, y) lies inside the polygon (even-odd rule; the polygon in the same units as the point). */
export function insidePolygon(x: number, y: number, polygon: ReadonlyArray<ZonePoint>): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether a face (its box's centre) is inside any zone of a `width` x `height` frame. */
export function inPrivacyZone(box: Box, zones: ReadonlyArray<PrivacyZone>, width: number, height: number): boolean {
  if (zones.length === 0 || width <= 0 || height <= 0) return false;
  const x = (box.x + box.width / 2) / width;
  const y = (box.y + box.height / 2) / height;
  return zones.some((zone) => insidePolygon(x, y, zone));
}

/** The zones in a `width` x `height` frame's pixels, for masking. */
export function zonesInPixels(zones: ReadonlyArray<PrivacyZone>, width: number, height: number): PrivacyZone[] {
  return zones.map((zone) => zone.map(([x, y]) => [Math.round(x * width), Math.round(y * height)] as ZonePoint));
}

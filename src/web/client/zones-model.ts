/**
 * The pure part of drawing privacy zones on a camera's page (no DOM, unit-tested): points in
 * fractions of the frame, the rules the server applies to them, and what is shown of a zone.
 * A zone is a polygon of [x, y] points from 0 to 1, from the picture's top-left corner.
 */

export type ZonePoint = [number, number];
export type Zone = ZonePoint[];

/** As the server allows (src/stream/privacy-zones.ts). */
export const MAX_ZONES = 16;
export const MAX_ZONE_POINTS = 64;

/** A point of the picture (in frame pixels) as a fraction of the frame, kept inside it, to 4 decimals. */
export function toFraction(x: number, y: number, width: number, height: number): ZonePoint {
  const fraction = (value: number, size: number) => Math.round(Math.min(1, Math.max(0, size > 0 ? value / size : 0)) * 10_000) / 10_000;
  return [fraction(x, width), fraction(y, height)];
}

/** The camera's zones from its overrides (GET /cameras), ignoring anything malformed. */
export function zonesOf(overrides: Record<string, unknown> | undefined): Zone[] {
  const value = overrides?.privacyZones;
  if (!Array.isArray(value)) return [];
  return value.filter(
    (zone): zone is Zone =>
      Array.isArray(zone) && zone.length >= 3 && zone.every((point) => Array.isArray(point) && point.length === 2 && point.every((v) => typeof v === 'number' && v >= 0 && v <= 1)),
  );
}

/** Adds a clicked point to the polygon being drawn (a click on the last point again adds nothing). */
export function addPoint(points: readonly ZonePoint[], point: ZonePoint): ZonePoint[] | { error: string } {
  const last = points[points.length - 1];
  if (last && last[0] === point[0] && last[1] === point[1]) return [...points];
  if (points.length >= MAX_ZONE_POINTS) return { error: `A zone has at most ${MAX_ZONE_POINTS} corners: close this one.` };
  return [...points, point];
}

/** The polygon drawn so far as a zone, or why it cannot be one yet. */
export function closeZone(points: readonly ZonePoint[], zones: readonly Zone[]): { zone: Zone } | { error: string } {
  if (points.length < 3) return { error: 'Click at least three corners on the picture before closing the zone.' };
  if (polygonArea(points) < 1e-6) return { error: 'The corners lie on one line: the zone covers nothing.' };
  if (zones.length >= MAX_ZONES) return { error: `A camera has at most ${MAX_ZONES} zones: delete one first.` };
  return { zone: points.map(([x, y]) => [x, y] as ZonePoint) };
}

/** The PATCH /cameras/{name} body that stores these zones (none: the override is dropped). */
export function zonesBody(zones: readonly Zone[]): { privacyZones: Zone[] | null } {
  return { privacyZones: zones.length ? zones.map((zone) => zone.map(([x, y]) => [x, y] as ZonePoint)) : null };
}

/** The zones without the one at `index`. */
export function withoutZone(zones: readonly Zone[], index: number): Zone[] {
  return zones.filter((_, i) => i !== index);
}

/** The area of a polygon (shoelace formula), in the squared units of its points. */
export function polygonArea(points: readonly ZonePoint[]): number {
  let twice = 0;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) twice += points[j][0] * points[i][1] - points[i][0] * points[j][1];
  return Math.abs(twice) / 2;
}

/** "Zone 2 · 4 corners · 12 % of the picture" (the area of a self-crossing polygon is approximate). */
export function zoneLabel(zone: Zone, index: number): string {
  const percent = polygonArea(zone) * 100;
  return `Zone ${index + 1} · ${zone.length} corners · ${percent < 1 ? '<1' : Math.round(percent)} % of the picture`;
}

/** An SVG `points` attribute for a zone drawn over a `width` × `height` picture. */
export function svgPoints(points: readonly ZonePoint[], width: number, height: number): string {
  return points.map(([x, y]) => `${round(x * width)},${round(y * height)}`).join(' ');
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

import {
  addPoint,
  closeZone,
  MAX_ZONE_POINTS,
  MAX_ZONES,
  polygonArea,
  svgPoints,
  toFraction,
  withoutZone,
  Zone,
  ZonePoint,
  zoneLabel,
  zonesBody,
  zonesOf,
} from '../../src/web/client/zones-model';
import { zoneListProblem } from '../../src/stream/privacy-zones';

const square: Zone = [
  [0.1, 0.1],
  [0.4, 0.1],
  [0.4, 0.5],
  [0.1, 0.5],
];

describe('privacy zones in the console (pure part)', () => {
  it('turns a click in frame pixels into fractions of the frame, kept inside it, to 4 decimals', () => {
    expect(toFraction(128, 72, 1280, 720)).toEqual([0.1, 0.1]);
    expect(toFraction(1000.123456, 333.3333, 1280, 720)).toEqual([0.7813, 0.463]);
    // A click in the letterbox beside the picture lands on its edge.
    expect(toFraction(-40, 900, 1280, 720)).toEqual([0, 1]);
    expect(toFraction(5, 5, 0, 0)).toEqual([0, 0]);
  });

  it('reads the saved zones from a camera\'s overrides, ignoring anything malformed', () => {
    expect(zonesOf({ privacyZones: [square] })).toEqual([square]);
    expect(zonesOf({})).toEqual([]);
    expect(zonesOf(undefined)).toEqual([]);
    expect(zonesOf({ privacyZones: 'x' })).toEqual([]);
    expect(zonesOf({ privacyZones: [square, [[0, 0], [1, 1]], [[0, 0], [2, 0], [0, 1]]] })).toEqual([square]);
  });

  it('adds corners one by one, skips a double click on the same spot, and stops at the most corners a zone may have', () => {
    let points: ZonePoint[] = [];
    for (const point of square) points = addPoint(points, point) as ZonePoint[];
    expect(addPoint(points, [0.1, 0.5])).toEqual(square);
    const full = Array.from({ length: MAX_ZONE_POINTS }, (_, i) => [i / 100, 0] as ZonePoint);
    expect(addPoint(full, [0.9, 0.9])).toEqual({ error: expect.stringMatching(/at most 64 corners/) });
  });

  it('closes a zone of three corners or more that covers something, up to the most zones a camera may have', () => {
    expect(closeZone(square, [])).toEqual({ zone: square });
    expect(closeZone(square.slice(0, 2), [])).toEqual({ error: expect.stringMatching(/at least three corners/) });
    expect(closeZone([[0, 0], [0.5, 0.5], [1, 1]], [])).toEqual({ error: expect.stringMatching(/one line/) });
    expect(closeZone(square, Array.from({ length: MAX_ZONES }, () => square))).toEqual({ error: expect.stringMatching(/at most 16 zones/) });
  });

  it('stores what the server accepts, and drops the override when the last zone goes', () => {
    const body = zonesBody([square, square]);
    expect(zoneListProblem(body.privacyZones)).toBeUndefined();
    expect(body.privacyZones).toEqual([square, square]);
    expect(body.privacyZones![0]).not.toBe(square); // a copy
    expect(zonesBody([])).toEqual({ privacyZones: null });
    expect(withoutZone([square, [[0, 0], [1, 0], [0, 1]]], 0)).toEqual([[[0, 0], [1, 0], [0, 1]]]);
  });

  it('describes a zone by its corners and the share of the picture it covers, and draws it in frame pixels', () => {
    expect(polygonArea(square)).toBeCloseTo(0.12, 10);
    expect(zoneLabel(square, 0)).toBe('Zone 1 · 4 corners · 12 % of the picture');
    expect(zoneLabel([[0, 0], [0.05, 0], [0, 0.05]], 2)).toBe('Zone 3 · 3 corners · <1 % of the picture');
    expect(svgPoints(square, 1280, 720)).toBe('128,72 512,72 512,360 128,360');
  });
});

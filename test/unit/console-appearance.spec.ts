import { AppearanceBook, Glimpse } from '../../src/sightings/appearance';
import { pageWindow, toPage, MAX_PAGE_SIZE } from '../../src/sightings/paging';

const serena = (confidence: number, trackId = 1): Glimpse => ({ personId: 4, name: 'Serena', trackId, confidence });
const colin = (confidence: number, trackId = 2): Glimpse => ({ personId: 1, name: 'Colin', trackId, confidence });

describe('AppearanceBook (sightings from recognised frames)', () => {
  const book = () => new AppearanceBook({ endAfterMs: 1000, betterViewBy: 5 });

  it('starts one appearance per person and keeps it across frames and tracks', () => {
    const b = book();
    expect(b.observe(0, [serena(80), colin(90)]).started.map((a) => a.name)).toEqual(['Serena', 'Colin']);
    for (let t = 80; t <= 800; t += 80) expect(b.observe(t, [serena(85, t < 400 ? 1 : 7)]).started).toEqual([]);
    const [open] = b.openAppearances.filter((a) => a.personId === 4);
    expect(open).toMatchObject({ firstSeen: 0, lastSeen: 800, bestConfidence: 85, trackId: 7 });
  });

  it('ends an appearance only after endAfterMs without the person, then starts a new one', () => {
    const b = book();
    b.observe(0, [serena(80)]);
    expect(b.expire(999)).toEqual([]); // a gap shorter than endAfterMs is bridged
    b.observe(999, [serena(80)]);
    expect(b.expire(1998)).toEqual([]);
    const ended = b.expire(1999);
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ firstSeen: 0, lastSeen: 999 });
    expect(b.observe(2500, [serena(70)]).started).toHaveLength(1);
  });

  it('reports changes once per batch, not once per frame', () => {
    const b = book();
    b.observe(0, [serena(80)]);
    for (let t = 40; t < 400; t += 40) b.observe(t, [serena(80), colin(60)]);
    expect(b.takeChanged().map((a) => a.name).sort()).toEqual(['Colin', 'Serena']);
    expect(b.takeChanged()).toEqual([]);
    b.observe(500, [colin(60)]);
    expect(b.takeChanged().map((a) => a.name)).toEqual(['Colin']);
  });

  it('asks for a new thumbnail when the view gets clearly better', () => {
    const b = book();
    const [a] = b.observe(0, [serena(80)]).started;
    a.thumbnailConfidence = 80;
    expect(b.observe(40, [serena(84)]).betterView).toEqual([]);
    expect(b.observe(80, [serena(86)]).betterView).toEqual([a]);
    a.thumbnailConfidence = 86;
    expect(b.observe(120, [serena(60)]).betterView).toEqual([]);
    expect(a.bestConfidence).toBe(86);
  });

  it('ends everything at shutdown', () => {
    const b = book();
    b.observe(0, [serena(80), colin(90)]);
    expect(b.endAll()).toHaveLength(2);
    expect(b.openAppearances).toEqual([]);
  });

  it('refuses a non-positive end delay', () => {
    expect(() => new AppearanceBook({ endAfterMs: 0, betterViewBy: 5 })).toThrow(RangeError);
  });
});

describe('paging', () => {
  it('defaults, clamps and computes offsets', () => {
    expect(pageWindow({})).toEqual({ page: 1, pageSize: 20, skip: 0, take: 20 });
    expect(pageWindow({ page: 3, pageSize: 10 })).toEqual({ page: 3, pageSize: 10, skip: 20, take: 10 });
    expect(pageWindow({ page: 0, pageSize: 10_000 })).toMatchObject({ page: 1, pageSize: MAX_PAGE_SIZE, skip: 0 });
    expect(pageWindow({ page: 2.7, pageSize: 0 })).toMatchObject({ page: 2, pageSize: 1, skip: 1 });
  });
  it('counts pages', () => {
    expect(toPage([1, 2], 41, { page: 1, pageSize: 20 })).toEqual({ items: [1, 2], page: 1, pageSize: 20, total: 41, pages: 3 });
    expect(toPage([], 0, { page: 1, pageSize: 20 }).pages).toBe(0);
  });
});

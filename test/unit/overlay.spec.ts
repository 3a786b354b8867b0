import { clampBox, faceLabel, labelPlacement, textStyle } from '../../src/stream/overlay';

describe('overlay geometry', () => {
  it('labels a face with its name and rounded confidence', () => {
    expect(faceLabel('Serena_Williams', 86.6)).toBe('Serena_Williams 87%');
    expect(faceLabel('Unknown', 99.96)).toBe('Unknown 100%');
  });

  it('clamps boxes to the frame and drops invisible ones', () => {
    expect(clampBox({ x: -10, y: 5, width: 50, height: 40 }, 100, 100)).toEqual({ x: 0, y: 5, width: 40, height: 40 });
    expect(clampBox({ x: 90, y: 90, width: 50, height: 50 }, 100, 100)).toEqual({ x: 90, y: 90, width: 9, height: 9 });
    expect(clampBox({ x: 200, y: 0, width: 10, height: 10 }, 100, 100)).toBeNull();
  });

  it('puts the label above the box when there is room', () => {
    const place = labelPlacement({ x: 100, y: 100, width: 80, height: 80 }, { width: 60, height: 12, baseline: 4 }, { width: 640, height: 480 });
    expect(place.background).toEqual({ x: 100, y: 76, width: 68, height: 24 });
    expect(place.textOrigin).toEqual([104, 92]);
  });

  it('puts the label inside the box at the top edge, and keeps it inside the frame', () => {
    const place = labelPlacement({ x: 600, y: 5, width: 40, height: 40 }, { width: 100, height: 12, baseline: 4 }, { width: 640, height: 480 });
    expect(place.background.y).toBe(5);
    expect(place.background.x + place.background.width).toBeLessThanOrEqual(640);
    expect(place.background.x).toBe(640 - 108);
  });

  it('scales text with the frame height within readable bounds', () => {
    expect(textStyle(240).scale).toBe(0.4);
    expect(textStyle(720).scale).toBeCloseTo(0.6545, 3);
    expect(textStyle(4320).scale).toBe(2);
  });
});

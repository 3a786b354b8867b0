import { decode } from 'jpeg-js';
import { RenderClient } from '../../src/stream/render/render.client';

jest.setTimeout(60_000);

/** A flat grey 320x240 BGR frame. */
function greyFrame(width = 320, height = 240) {
  return { width, height, data: new Uint8Array(width * height * 3).fill(128) };
}

function pixel(jpeg: Buffer, x: number, y: number): [number, number, number] {
  const { width, data } = decode(jpeg, { useTArray: true, formatAsRGBA: true });
  const i = (y * width + x) * 4;
  return [data[i], data[i + 1], data[i + 2]];
}

describe('RenderClient (real vision thread)', () => {
  const renderer = new RenderClient(90);

  it('draws known faces in green and unknown faces in red, with a label, and leaves the rest untouched', async () => {
    const { jpeg, drawMs, encodeMs } = await renderer.render(greyFrame(), [
      { box: { x: 20, y: 60, width: 100, height: 120 }, label: 'Grace 97%', known: true },
      { box: { x: 180, y: 60, width: 100, height: 120 }, label: 'Unknown 88%', known: false },
    ]);
    const { width, height } = decode(jpeg);
    expect([width, height]).toEqual([320, 240]);
    const [r1, g1, b1] = pixel(jpeg, 21, 120); // left edge of the known box
    expect(g1).toBeGreaterThan(170);
    expect(r1).toBeLessThan(110);
    expect(b1).toBeLessThan(160);
    const [r2, g2] = pixel(jpeg, 181, 120); // left edge of the unknown box
    expect(r2).toBeGreaterThan(190);
    expect(g2).toBeLessThan(120);
    // The label strip sits above the box, filled with the box colour.
    const [, gLabel] = pixel(jpeg, 24, 50);
    expect(gLabel).toBeGreaterThan(150);
    // Inside the box and far away, the frame is still grey.
    for (const [x, y] of [
      [70, 120],
      [310, 230],
    ]) {
      pixel(jpeg, x, y).forEach((v) => expect(Math.abs(v - 128)).toBeLessThan(10));
    }
    expect(drawMs).toBeGreaterThanOrEqual(0);
    expect(encodeMs).toBeGreaterThan(0);
  });

  it('clips boxes that leave the frame instead of failing', async () => {
    const { jpeg } = await renderer.render(greyFrame(), [{ box: { x: 300, y: 200, width: 100, height: 100 }, label: 'Edge 51%', known: true }]);
    expect(decode(jpeg).width).toBe(320);
  });

  it('refuses a frame whose buffer does not match its size instead of crashing, and keeps working', async () => {
    await expect(renderer.render({ width: 100, height: 100, data: new Uint8Array(10) }, [])).rejects.toThrow(/expected 30000/);
    const { jpeg } = await renderer.render(greyFrame(4, 4), []);
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });
});

import { decode } from 'jpeg-js';
import { DrawingThread } from '../../src/stream/render/drawing-thread';
import { TurboJpegEncoder } from '../../src/stream/render/jpeg-encoder';
import { RenderClient } from '../../src/stream/render/render.client';
import type { VisionThread } from '../../src/vision/vision-thread';

jest.setTimeout(60_000);

/** Stands in for the vision thread: records what it was asked to draw, draws nothing. */
function recordingVision() {
  const calls: string[] = [];
  const vision = {
    alive: true,
    async call(method: string) {
      calls.push(method);
      return { drawMs: 0 };
    },
  } as unknown as VisionThread;
  return { vision, calls };
}

/** A grey 320x240 frame in shared memory, as frames come from capture. */
function sharedGreyFrame() {
  const data = new Uint8Array(new SharedArrayBuffer(320 * 240 * 3)).fill(128);
  return { width: 320, height: 240, data };
}

function greenAt(jpeg: Buffer, x: number, y: number): number {
  const { width, data } = decode(jpeg, { useTArray: true, formatAsRGBA: true });
  return data[(y * width + x) * 4 + 1];
}

describe('drawing thread (real worker, real font, libjpeg-turbo)', () => {
  const drawing = new DrawingThread();
  afterAll(() => drawing.terminate());

  it('draws boxes and labels beside the vision thread, on a copy: the frame itself stays as captured', async () => {
    const { vision, calls } = recordingVision();
    const renderer = new RenderClient(90, new TurboJpegEncoder(), drawing, vision);
    const frame = sharedGreyFrame();
    const { jpeg, drawMs } = await renderer.render(frame, [{ box: { x: 20, y: 60, width: 100, height: 120 }, label: 'Zoë 97%', known: true }]);
    expect(calls).toEqual([]);
    expect(greenAt(jpeg, 20, 120)).toBeGreaterThan(170); // the box's left edge
    expect(greenAt(jpeg, 24, 50)).toBeGreaterThan(150); // the label strip above it
    expect(greenAt(jpeg, 70, 120)).toBeLessThan(140); // inside the box: grey
    expect(drawMs).toBeGreaterThan(0);
    expect(frame.data.every((value) => value === 128)).toBe(true);
  });

  it('leaves blurs and privacy masks to the vision thread (OpenCV)', async () => {
    const { vision, calls } = recordingVision();
    const renderer = new RenderClient(90, new TurboJpegEncoder(), drawing, vision);
    await renderer.render(sharedGreyFrame(), [], 90, [{ x: 10, y: 10, width: 50, height: 50 }]);
    await renderer.render(sharedGreyFrame(), [], 90, [], [[[0, 0], [50, 0], [50, 50]]]);
    expect(calls).toEqual(['draw', 'draw']);
  });

  it('encodes a frame with nothing to draw without either thread', async () => {
    const { vision, calls } = recordingVision();
    const renderer = new RenderClient(90, new TurboJpegEncoder(), drawing, vision);
    const { jpeg, drawMs } = await renderer.render(sharedGreyFrame(), []);
    expect(calls).toEqual([]);
    expect(drawMs).toBe(0);
    expect(decode(jpeg).width).toBe(320);
  });

  it('refuses a frame whose size does not match its buffer, and keeps drawing', async () => {
    await expect(drawing.draw({ width: 100, height: 100, data: new Uint8Array(10) }, { width: 100, height: 100, data: new Uint8Array(30000) }, [])).rejects.toThrow(/expected 30000/);
    const { vision } = recordingVision();
    const { jpeg } = await new RenderClient(90, new TurboJpegEncoder(), drawing, vision).render(sharedGreyFrame(), [{ box: { x: 20, y: 60, width: 100, height: 120 }, label: 'A 1%', known: false }]);
    expect(decode(jpeg).height).toBe(240);
  });
});

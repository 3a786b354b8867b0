import { encodeFrameHeader, FrameParser, WireFrame } from '../../src/camera/frame-wire';

function wire(frame: Parameters<typeof encodeFrameHeader>[0], fill: number): Buffer {
  return Buffer.concat([encodeFrameHeader(frame), Buffer.alloc(frame.width * frame.height * 3, fill)]);
}

describe('FrameParser', () => {
  const meta = { position: 7, capturedAt: 1764000000123.25, readMs: 3.5, skipped: 2, width: 4, height: 3 };

  it('reassembles frames split into chunks of any size', () => {
    const stream = Buffer.concat([wire(meta, 1), wire({ ...meta, position: 8 }, 2)]);
    for (const chunkSize of [1, 7, 40, 41, 1000]) {
      const frames: WireFrame[] = [];
      const parser = new FrameParser((f) => frames.push(f));
      for (let i = 0; i < stream.length; i += chunkSize) parser.push(stream.subarray(i, i + chunkSize));
      expect(frames.map((f) => f.position)).toEqual([7, 8]);
      expect(frames[0]).toMatchObject({ capturedAt: meta.capturedAt, readMs: 3.5, skipped: 2, width: 4, height: 3 });
      expect([...frames[0].data]).toEqual(Array(36).fill(1));
      expect([...frames[1].data]).toEqual(Array(36).fill(2));
    }
  });

  it('fails loudly on a stream that is out of sync or absurd', () => {
    const parser = new FrameParser(() => undefined);
    expect(() => parser.push(Buffer.alloc(40, 0x55))).toThrow(/out of sync/);
    const huge = encodeFrameHeader({ ...meta, width: 100_000, height: 100_000 });
    expect(() => new FrameParser(() => undefined).push(huge)).toThrow(/100000x100000/);
  });
});

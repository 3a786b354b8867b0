import { FrameBufferPool } from '../../src/camera/ffmpeg/frame-buffer-pool';
import { RawFrameAssembler } from '../../src/camera/ffmpeg/raw-frame-assembler';

describe('RawFrameAssembler', () => {
  it('cuts chunks of any size into whole frames, in shared buffers, with their bytes in order', () => {
    const frames: Uint8Array[] = [];
    const assembler = new RawFrameAssembler(new FrameBufferPool(6), (data) => frames.push(data));
    const stream = Uint8Array.from({ length: 20 }, (_, i) => i);
    // Chunks that straddle frame borders: 4, 5, 1, 10 bytes.
    for (const [from, to] of [[0, 4], [4, 9], [9, 10], [10, 20]]) assembler.push(stream.subarray(from, to));
    expect(frames.map((f) => Array.from(f))).toEqual([
      [0, 1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10, 11],
      [12, 13, 14, 15, 16, 17],
    ]);
    expect(frames.every((f) => f.buffer instanceof SharedArrayBuffer)).toBe(true);
    // The 2 trailing bytes wait for the rest of their frame.
    assembler.push(Uint8Array.of(1, 2, 3, 4));
    expect(Array.from(frames[3])).toEqual([18, 19, 1, 2, 3, 4]);
  });

  it('gives every frame a buffer of its own (a frame kept by the pipeline is never overwritten)', () => {
    const frames: Uint8Array[] = [];
    const assembler = new RawFrameAssembler(new FrameBufferPool(2), (data) => frames.push(data));
    assembler.push(Uint8Array.of(1, 1, 2, 2));
    expect(frames[0].buffer).not.toBe(frames[1].buffer);
    expect(Array.from(frames[0])).toEqual([1, 1]);
  });

  it('refuses a nonsensical frame size', () => {
    expect(() => new RawFrameAssembler(new FrameBufferPool(0), () => undefined)).toThrow(/frame size/);
  });
});

describe('FrameBufferPool', () => {
  it('hands a recycled buffer to the next frame, and a new one when none is free', () => {
    const pool = new FrameBufferPool(4, 2);
    const frames: Uint8Array[] = [];
    const assembler = new RawFrameAssembler(pool, (data) => frames.push(data));
    assembler.push(Uint8Array.of(1, 1, 1, 1));
    pool.recycle(frames[0]);
    assembler.push(Uint8Array.of(2, 2, 2, 2, 3, 3, 3, 3));
    expect(frames[1]).toBe(frames[0]); // the same memory, now holding frame 2
    expect(Array.from(frames[1])).toEqual([2, 2, 2, 2]);
    expect(frames[2].buffer).not.toBe(frames[1].buffer);
  });

  it('keeps a bounded number of free buffers, once each, of its own size only', () => {
    const pool = new FrameBufferPool(4, 2);
    const a = pool.acquire();
    pool.recycle(a);
    pool.recycle(a);
    expect(pool.available).toBe(1);
    pool.recycle(new Uint8Array(new SharedArrayBuffer(8)));
    expect(pool.available).toBe(1);
    for (let i = 0; i < 5; i++) pool.recycle(new Uint8Array(new SharedArrayBuffer(4)));
    expect(pool.available).toBe(2);
  });
});

describe('RawFrameAssembler read into in place', () => {
  it('hands out the rest of the current frame to read into, and a frame once it is full', () => {
    const frames: Uint8Array[] = [];
    const assembler = new RawFrameAssembler(new FrameBufferPool(6), (data) => frames.push(data));
    const first = assembler.target();
    expect(first.length).toBe(6);
    first.set([1, 2, 3, 4]);
    assembler.wrote(4);
    const rest = assembler.target();
    expect(rest.length).toBe(2);
    rest.set([5, 6]);
    assembler.wrote(2);
    expect(frames.map((f) => [...f])).toEqual([[1, 2, 3, 4, 5, 6]]);
    expect(assembler.target()).not.toBe(first); // a new frame's buffer
    expect(() => assembler.wrote(7)).toThrow(/free/);
  });
});

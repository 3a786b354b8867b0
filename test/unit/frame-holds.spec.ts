import { frameHolds } from '../../src/camera/frame-holds';

describe('frame holds (pooled frame buffers)', () => {
  it('frees the buffer once, when the pipeline and every holder have let go, in any order', () => {
    let freed = 0;
    const holds = frameHolds(() => freed++);
    const recognition = holds.hold();
    const recorder = holds.hold();
    holds.done();
    expect(freed).toBe(0);
    recognition();
    recognition(); // a second call is not a second holder letting go
    expect(freed).toBe(0);
    recorder();
    expect(freed).toBe(1);
    holds.done();
    expect(freed).toBe(1);
  });

  it('frees at once a frame nobody else held', () => {
    let freed = 0;
    const holds = frameHolds(() => freed++);
    holds.done();
    expect(freed).toBe(1);
  });

  it('refuses a hold on a frame already recycled', () => {
    const holds = frameHolds(() => undefined);
    holds.done();
    expect(() => holds.hold()).toThrow(/already recycled/);
  });
});

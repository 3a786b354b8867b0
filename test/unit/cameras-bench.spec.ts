import { cameraRow, CameraRunResult, CamerasReport, floorTotals, formatCamerasReport, formatTable, ratio, totals } from '../../src/bench/cameras-report';
import { parseCamerasArgs } from '../../src/bench/cameras';
import { crowdClipArgs, crowdFilter } from '../../src/bench/crowd-clip';
import { Floor, parseFfmpegBenchmark, parseProbe, parseProgressFrames } from '../../src/bench/floor';
import type { GroundTruth } from '../../src/bench/scoring';

// Fabricated inputs: these test the aggregation and formatting only.
const truth: GroundTruth = {
  fps: 25,
  frames: [
    { frame: 0, faces: [] },
    { frame: 1, faces: [{ identity: 'Ann', enrolled: true, tile_box: [0, 0, 100, 100] }] },
    { frame: 2, faces: [{ identity: 'Ann', enrolled: true, tile_box: [0, 0, 100, 100] }] },
    { frame: 3, faces: [{ identity: 'Ann', enrolled: true, tile_box: [0, 0, 100, 100] }, { identity: 'Tony', enrolled: false, tile_box: [200, 0, 100, 100] }] },
    { frame: 4, faces: [{ identity: 'Ann', enrolled: true, tile_box: [0, 0, 100, 100] }] },
  ],
};
const face = (name: string, x: number) => ({ name, box: [x, 10, 50, 50] as [number, number, number, number], similarity: 0.5 });

function run(overrides: Partial<CameraRunResult> = {}): CameraRunResult {
  return {
    name: 'cam1',
    video: '/v/a.mp4',
    framesIn: 5,
    inputSeconds: 0.2,
    framesOut: 4,
    framesSkippedAtCapture: 0,
    firstCaptureAt: 1000,
    lastOutputAt: 1120, // 4 frames over 0.12 s
    latenciesMs: [10, 20, 30, 40],
    facesDetected: 6,
    predictions: [
      { frame: 0, faces: [] },
      { frame: 1, faces: [face('Bob', 20)] },
      { frame: 3, faces: [face('ann', 20), face('Unknown', 220)] },
      { frame: 4, faces: [face('Ann', 20)] },
    ],
    ...overrides,
  };
}

const floor = (video: string, cores: number): Floor => ({ video, decodeCpuSeconds: 1, encodeCpuSeconds: 0.5, frames: 250, fps: 25, width: 1280, height: 720, coresAtRealTime: cores });

describe('cameras bench: aggregation', () => {
  it('computes rates and latency percentiles of a camera', () => {
    const row = cameraRow(run(), undefined, { viewerFps: 24.5 });
    expect(row).toMatchObject({ name: 'cam1', framesIn: 5, inputFps: 25, framesOut: 4, viewerFps: 24.5, latencyP50Ms: 20, latencyP95Ms: 40, facesDetected: 6 });
    expect(row.outputFps).toBeCloseTo(4 / 0.12);
    expect(row.namedRight).toBeUndefined();
    expect(cameraRow(run({ framesOut: 0, latenciesMs: [], predictions: [], firstCaptureAt: Infinity, lastOutputAt: 0 })).outputFps).toBe(0);
  });

  it('scores all frames up to the last one output, a frame not output showing nothing', () => {
    const row = cameraRow(run(), truth);
    // frame 1: wrong name; frame 2: not output (missed); frame 3: both right; frame 4: right
    expect(row).toMatchObject({ namedRight: 3, truthFaces: 5, wrongNames: 1 });
    expect(row.accuracy).toBeCloseTo(0.6);
    expect(row.timeToNameFrames).toEqual([2, 0]); // Ann from frame 1 (named on 3), Tony on arrival
  });

  it('scores recognised frames only when nothing was drawn', () => {
    const row = cameraRow(run(), truth, { scoredOver: 'recognised frames' });
    expect(row).toMatchObject({ namedRight: 3, truthFaces: 4, wrongNames: 1 });
  });

  it('does not charge a camera for ground-truth frames it never got to', () => {
    const row = cameraRow(run({ predictions: [{ frame: 0, faces: [] }, { frame: 1, faces: [face('Ann', 20)] }] }), truth);
    expect(row).toMatchObject({ namedRight: 1, truthFaces: 1, wrongNames: 0, timeToNameFrames: [0] });
  });

  it('adds up the floor per camera, a video used twice counting twice', () => {
    const floors = new Map([
      ['/v/a.mp4', floor('/v/a.mp4', 0.25)],
      ['/v/b.mp4', floor('/v/b.mp4', 0.5)],
    ]);
    const f = floorTotals(
      [
        { name: 'cam1', video: '/v/a.mp4' },
        { name: 'cam2', video: '/v/b.mp4' },
        { name: 'cam3', video: '/v/a.mp4' },
      ],
      floors,
    );
    expect(f.perCamera.map((p) => p.name)).toEqual(['cam1', 'cam2', 'cam3']);
    expect(f.totalCoresAtRealTime).toBeCloseTo(1.0);
    expect(() => floorTotals([{ name: 'cam1', video: '/v/c.mp4' }], floors)).toThrow(/no floor/);
  });

  it('turns CPU seconds into cores, per camera, and the ratio to the floor', () => {
    expect(totals(30, 20, 3, { rssMb: 512, pssMb: 400 })).toEqual({ cores: 1.5, coresPerCamera: 0.5, peakRssMb: 512, peakPssMb: 400, memoryBudgetMb: 580 });
    expect(totals(1, 0, 0, { rssMb: 0, pssMb: 0 })).toEqual({ cores: 0, coresPerCamera: 0, peakRssMb: 0, peakPssMb: 0, memoryBudgetMb: 400 });
    expect(ratio(1.5, 0.5)).toBe(3);
    expect(ratio(1.5, 0)).toBeNaN();
  });
});

describe('cameras bench: printing', () => {
  it('aligns table columns', () => {
    expect(formatTable([['a', 'bb'], ['ccc', 'd']])).toBe('a    bb\nccc   d');
  });

  const report: CamerasReport = {
    machine: { cores: 2, loadAvg1mStart: 0.5, loadAvg1mEnd: 1.75, node: 'v20.0.0' },
    seconds: 10,
    viewers: true,
    scoredOver: 'all frames',
    cameras: [cameraRow(run(), truth, { viewerFps: 24.9 }), cameraRow(run({ name: 'cam2', video: '/v/b.mp4' }))],
    total: totals(15, 10, 2, { rssMb: 700, pssMb: 480 }),
    floor: floorTotals(
      [
        { name: 'cam1', video: '/v/a.mp4' },
        { name: 'cam2', video: '/v/b.mp4' },
      ],
      new Map([
        ['/v/a.mp4', floor('/v/a.mp4', 0.25)],
        ['/v/b.mp4', floor('/v/b.mp4', 0.5)],
      ]),
    ),
    ratioToFloor: 2,
    embedding: { calls: 40, requests: 60, faces: 90 },
    notes: ['a note'],
  };

  it('prints a row per camera, then totals, floor and ratio', () => {
    const text = formatCamerasReport(report);
    expect(text).toContain('load average 0.50 at start, 1.75 at end');
    expect(text).toMatch(/cam1 .*\b5 .*25\.0 .*\b4 .*33\.3 .*24\.9 .*3\/5 \(60\.0 %\) .*\b1 .*\b6 .*20\.0 .*40\.0 .*\/v\/a\.mp4/);
    expect(text).toMatch(/cam2 .* - .* - .*\/v\/b\.mp4/);
    expect(text).toContain('cam1: frames until a face coming into view is named right: 2, 0');
    expect(text).toContain('total: 1.50 cores (server, all threads and child processes), 0.75 per camera');
    expect(text).toContain('memory: peak PSS 480 MB of a budget of 520 MB (peak RSS 700 MB');
    expect(text).toMatch(/cam2 +1280x720@25 +250 +1\.00 +0\.50 +0\.500/);
    expect(text).toContain('floor total 0.75 cores; the server used 2.0x the floor');
    expect(text).toContain('note: a note');
    expect(text).toContain("embedding: 40 calls for 60 camera frames' requests (90 faces): 1.50 frames and 2.25 faces per call");
    const lines = text.split('\n');
    expect(lines.findIndex((l) => l.startsWith('cam1'))).toBeLessThan(lines.findIndex((l) => l.startsWith('total:')));
  });

  it('says what the latency and accuracy are over without viewers', () => {
    const text = formatCamerasReport({ ...report, viewers: false, scoredOver: 'recognised frames' });
    expect(text).toContain('no viewers (recognition only');
    expect(text).toContain('capture→recog. p50');
    expect(text).not.toContain('viewer fps');
    expect(text).toContain('(accuracy over recognised frames of each camera)');
  });
});

describe('cameras bench: options', () => {
  it('names cameras by --video order and pairs ground truths by position', () => {
    const o = parseCamerasArgs(['--video', 'a.mp4', '--video', '/x/b.mp4', '--ground-truth', '-', '--ground-truth', 'b.json', '--viewers', '--seconds', '20', '--predictions', 'out']);
    expect(o.videos).toEqual([`${process.cwd()}/a.mp4`, '/x/b.mp4']);
    expect(o.truths).toEqual([undefined, `${process.cwd()}/b.json`]);
    expect(o).toMatchObject({ viewers: true, seconds: 20, predictions: `${process.cwd()}/out`, json: false });
    expect(parseCamerasArgs([]).videos[0]).toMatch(/assets\/demo-camera\.mp4$/);
    expect(() => parseCamerasArgs(['--seconds', '0'])).toThrow(/--seconds/);
    // Cameras come up a second apart unless told otherwise.
    expect(parseCamerasArgs([]).staggerMs).toBe(1000);
    expect(parseCamerasArgs(['--stagger', '0']).staggerMs).toBe(0);
    expect(() => parseCamerasArgs(['--stagger', 'soon'])).toThrow(/--stagger/);
    // A soak loops the files: it needs an end, and cannot be scored frame by frame.
    expect(parseCamerasArgs(['--loop', '--seconds', '600'])).toMatchObject({ loop: true, seconds: 600 });
    expect(() => parseCamerasArgs(['--loop'])).toThrow(/--seconds/);
    expect(() => parseCamerasArgs(['--loop', '--seconds', '60', '--ground-truth', 'a.json'])).toThrow(/ground-truth/);
    expect(() => parseCamerasArgs(['--video', 'a', '--ground-truth', 'x', '--ground-truth', 'y'])).toThrow(/ground-truth/);
  });
});

describe('cameras bench: floor and crowd-clip helpers', () => {
  it('reads ffprobe, ffmpeg -benchmark and -progress output', () => {
    expect(parseProbe('{"streams":[{"width":1280,"height":720,"avg_frame_rate":"25/1","r_frame_rate":"25/1","nb_frames":"250"}]}')).toEqual({ width: 1280, height: 720, fps: 25, frames: 250 });
    expect(parseProbe('{"streams":[{"width":640,"height":480,"avg_frame_rate":"0/0","r_frame_rate":"30000/1001"}]}').fps).toBeCloseTo(29.97);
    expect(() => parseProbe('{"streams":[]}')).toThrow();
    expect(parseFfmpegBenchmark('Input #0 ...\nbench: utime=0.489s stime=0.027s rtime=0.567s\nbench: maxrss=65952kB\n')).toBeCloseTo(0.516);
    expect(() => parseFfmpegBenchmark('nothing')).toThrow();
    expect(parseProgressFrames('frame=10\nfps=0\nprogress=continue\nframe=250\nprogress=end\n')).toBe(250);
  });

  it('builds the crowd clip as 1920x1080 at 25 fps with the frame count asked', () => {
    const args = crowdClipArgs('in.jpg', 'out.mp4', 2);
    expect(args[args.indexOf('-frames:v') + 1]).toBe('50');
    expect(args[args.indexOf('-i') + 1]).toBe('in.jpg');
    expect(args[args.length - 1]).toBe('out.mp4');
    expect(crowdFilter()).toContain('s=1920x1080');
  });
});

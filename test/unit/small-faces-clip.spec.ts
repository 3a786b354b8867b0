import { centredPlacement, ffmpegArgs, sizeBucketRates, transformBox, transformGroundTruth } from '../../src/bench/small-faces-clip';
import type { PredictedFace } from '../../src/bench/scoring';

describe('small-faces clip', () => {
  const half = centredPlacement(1280, 720, 0.5);

  it('centres the shrunken frame in a canvas of the source size', () => {
    expect(half).toEqual({ scale: 0.5, offsetX: 320, offsetY: 180, canvasWidth: 1280, canvasHeight: 720 });
    const odd = centredPlacement(1280, 720, 0.37);
    expect(odd.offsetX % 2).toBe(0);
    expect(odd.offsetY % 2).toBe(0);
    expect(() => centredPlacement(1280, 720, 0)).toThrow();
    expect(() => centredPlacement(1280, 720, 1.5)).toThrow();
  });

  it('scales and moves a box like the frame', () => {
    expect(transformBox([366, 296, 118, 118], half)).toEqual([503, 328, 59, 59]);
    expect(transformBox([0, 0, 1280, 720], half)).toEqual([320, 180, 640, 360]);
    expect(transformBox([982, 115, 200, 200], { ...half, scale: 1, offsetX: 0, offsetY: 0 })).toEqual([982, 115, 200, 200]);
  });

  it('transforms every tile and face box of the ground truth and keeps the rest', () => {
    const truth = {
      video: 'synth_720p.mp4',
      width: 1280,
      height: 720,
      fps: 25,
      segments: [{ identity: 'A', tile_size: 260, from_xy: [60, 230] as [number, number], to_xy: [560, 220] as [number, number] }],
      frames: [
        { frame: 0, t: 0, faces: [] },
        { frame: 1, t: 0.04, faces: [{ identity: 'A', enrolled: true, tile_box: [100, 100, 260, 260] as [number, number, number, number], face_box: [171, 171, 118, 118] as [number, number, number, number] }] },
      ],
    };
    const out = transformGroundTruth(truth, half);
    expect(out.video).toBe('small_faces_720p.mp4');
    expect(out.width).toBe(1280);
    expect(out.fps).toBe(25);
    expect(out.segments![0]).toEqual({ identity: 'A', tile_size: 130, from_xy: [350, 295], to_xy: [600, 290] });
    expect(out.frames[1].faces[0]).toEqual({ identity: 'A', enrolled: true, tile_box: [370, 230, 130, 130], face_box: [406, 266, 59, 59] });
    expect(truth.frames[1].faces[0].tile_box).toEqual([100, 100, 260, 260]); // not mutated
  });

  it('asks ffmpeg to scale, then pad to the canvas', () => {
    const args = ffmpegArgs('in.mp4', 'out.mp4', half);
    expect(args).toContain('scale=640:360:flags=area,pad=1280:720:320:180:black');
    expect(args[args.indexOf('-i') + 1]).toBe('in.mp4');
    expect(args[args.length - 1]).toBe('out.mp4');
  });

  it('counts detections and names per face-size bucket', () => {
    const truth = {
      frames: [
        {
          frame: 0,
          faces: [
            { identity: 'A', enrolled: true, tile_box: [0, 0, 80, 80] as [number, number, number, number], face_box: [20, 20, 35, 35] as [number, number, number, number] },
            { identity: 'B', enrolled: false, tile_box: [200, 0, 100, 100] as [number, number, number, number], face_box: [225, 25, 45, 45] as [number, number, number, number] },
            { identity: 'C', enrolled: true, tile_box: [400, 0, 100, 100] as [number, number, number, number], face_box: [425, 25, 45, 45] as [number, number, number, number] },
          ],
        },
        { frame: 2, faces: [{ identity: 'A', enrolled: true, tile_box: [0, 0, 80, 80] as [number, number, number, number], face_box: [20, 20, 35, 35] as [number, number, number, number] }] },
      ],
    };
    const p = (name: string, x: number): PredictedFace => ({ name, box: [x, 20, 40, 40], similarity: 0.5 });
    const predictions = new Map([[0, [p('A', 20), p('Unknown', 230), p('A', 430)]]]);
    const rates = sizeBucketRates(truth, predictions, [
      [30, 40],
      [40, 50],
    ]);
    expect(rates[0]).toEqual({ bucket: [30, 40], faces: 2, detected: 1, named: 1, unknown: 0, wrong: 0 });
    expect(rates[1]).toEqual({ bucket: [40, 50], faces: 2, detected: 2, named: 1, unknown: 0, wrong: 1 });
    expect(sizeBucketRates(truth, predictions, undefined, [2]).find((r) => r.bucket[0] === 30)).toEqual({ bucket: [30, 40], faces: 1, detected: 0, named: 0, unknown: 0, wrong: 0 });
    const shownUnknown = sizeBucketRates(truth, new Map([[0, [p('Unknown', 20)]]]), [[30, 40]], [0]);
    expect(shownUnknown[0]).toEqual({ bucket: [30, 40], faces: 1, detected: 1, named: 0, unknown: 1, wrong: 0 });
  });
});

/**
 * A "small and far faces" test clip made from the labelled demo recording at test time (video
 * derived from the shared test data is never committed): the 1280x720 recording is shrunk by
 * `scale` and pasted into a black canvas of the original size, so its 64–155 px faces become
 * e.g. 32–77 px at scale 0.5 while the frame stays 1280x720. The ground truth is transformed the
 * same way, and `sizeBucketRates` scores a run per face-size bucket.
 *
 *   node dist/bench/small-faces-clip.js OUT_DIR [--scale 0.5]
 *   npm run bench -- --make-small-faces-clip OUT_DIR
 *
 * writes OUT_DIR/small_faces_720p.mp4 and OUT_DIR/small_faces_720p.ground_truth.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PredictedFace, XYWH } from './scoring';
import { runFfmpeg } from './run-ffmpeg';

export const SMALL_FACES_VIDEO = 'small_faces_720p.mp4';
export const SMALL_FACES_TRUTH = 'small_faces_720p.ground_truth.json';

/** Where the shrunken frame goes inside the canvas. */
export interface Placement {
  scale: number;
  offsetX: number;
  offsetY: number;
  canvasWidth: number;
  canvasHeight: number;
}

/** Centres the frame shrunk by `scale` in a canvas of the source size (offsets even, for yuv420p). */
export function centredPlacement(width: number, height: number, scale: number): Placement {
  if (!(scale > 0 && scale <= 1)) throw new Error(`scale must be in (0, 1], got ${scale}`);
  const even = (v: number) => Math.floor(v / 2) * 2;
  const scaledW = even(Math.round(width * scale));
  const scaledH = even(Math.round(height * scale));
  return { scale, offsetX: even((width - scaledW) / 2), offsetY: even((height - scaledH) / 2), canvasWidth: width, canvasHeight: height };
}

/** A box of the source frame mapped into the canvas (rounded to whole pixels). */
export function transformBox(box: XYWH, p: Placement): XYWH {
  const x0 = box[0] * p.scale + p.offsetX;
  const y0 = box[1] * p.scale + p.offsetY;
  const x1 = (box[0] + box[2]) * p.scale + p.offsetX;
  const y1 = (box[1] + box[3]) * p.scale + p.offsetY;
  return [Math.round(x0), Math.round(y0), Math.round(x1) - Math.round(x0), Math.round(y1) - Math.round(y0)];
}

interface TruthFaceJson {
  tile_box: XYWH;
  face_box?: XYWH;
  [key: string]: unknown;
}
interface TruthJson {
  width: number;
  height: number;
  frames: Array<{ frame: number; faces: TruthFaceJson[]; [key: string]: unknown }>;
  segments?: Array<{ tile_size?: number; from_xy?: [number, number]; to_xy?: [number, number]; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** The ground truth of the shrunken clip: every tile_box/face_box (and segment geometry) transformed. */
export function transformGroundTruth<T extends TruthJson>(truth: T, p: Placement, videoName = SMALL_FACES_VIDEO): T {
  const point = (xy: [number, number]): [number, number] => [Math.round(xy[0] * p.scale + p.offsetX), Math.round(xy[1] * p.scale + p.offsetY)];
  return {
    ...truth,
    video: videoName,
    width: p.canvasWidth,
    height: p.canvasHeight,
    note: `${String(truth.note ?? '')} | shrunk by ${p.scale} and pasted at (${p.offsetX}, ${p.offsetY}) into a ${p.canvasWidth}x${p.canvasHeight} black canvas`,
    segments: truth.segments?.map((s) => ({
      ...s,
      ...(s.tile_size !== undefined ? { tile_size: Math.round(s.tile_size * p.scale) } : {}),
      ...(s.from_xy ? { from_xy: point(s.from_xy) } : {}),
      ...(s.to_xy ? { to_xy: point(s.to_xy) } : {}),
    })),
    frames: truth.frames.map((f) => ({
      ...f,
      faces: f.faces.map((face) => ({
        ...face,
        tile_box: transformBox(face.tile_box, p),
        ...(face.face_box ? { face_box: transformBox(face.face_box, p) } : {}),
      })),
    })),
  };
}

/** ffmpeg's arguments: scale, pad into the canvas, H.264 (no audio). */
export function ffmpegArgs(input: string, output: string, p: Placement): string[] {
  const w = p.canvasWidth - 2 * p.offsetX;
  const h = p.canvasHeight - 2 * p.offsetY;
  const filter = `scale=${w}:${h}:flags=area,pad=${p.canvasWidth}:${p.canvasHeight}:${p.offsetX}:${p.offsetY}:black`;
  return ['-hide_banner', '-loglevel', 'error', '-y', '-i', input, '-vf', filter, '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', output];
}


/** Writes the clip and its ground truth into `outDir`; returns their paths. */
export async function makeSmallFacesClip(
  sourceVideo: string,
  sourceTruth: string,
  outDir: string,
  scale = 0.5,
): Promise<{ video: string; truth: string; placement: Placement }> {
  const truth = JSON.parse(readFileSync(sourceTruth, 'utf8')) as TruthJson;
  const placement = centredPlacement(truth.width, truth.height, scale);
  mkdirSync(outDir, { recursive: true });
  const video = join(outDir, SMALL_FACES_VIDEO);
  const truthFile = join(outDir, SMALL_FACES_TRUTH);
  await runFfmpeg(ffmpegArgs(sourceVideo, video, placement));
  writeFileSync(truthFile, JSON.stringify(transformGroundTruth(truth, placement)));
  return { video, truth: truthFile, placement };
}

/** Face-size buckets in pixels of face_box height: [min, max). */
export const DEFAULT_BUCKETS: Array<[number, number]> = [
  [10, 20],
  [20, 25],
  [25, 30],
  [30, 40],
  [40, 50],
  [50, 60],
  [60, 80],
];

export interface BucketRate {
  bucket: [number, number];
  faces: number;
  /** A predicted box's centre inside the face's tile box. */
  detected: number;
  /** ... and carrying the right name ("Unknown" for someone not enrolled). */
  named: number;
  /** ... shown as "Unknown" although enrolled (e.g. too small to name). */
  unknown: number;
  /** ... with someone else's name: the error that matters. */
  wrong: number;
}

const norm = (name: string) => name.trim().toLowerCase().replace(/[\s_]+/g, '_');

/**
 * Detection and naming per face-size bucket over the given frames (all when omitted), as
 * scorePredictions matches: one predicted box per true face, its centre inside the tile box.
 */
export function sizeBucketRates(
  truth: { frames: Array<{ frame: number; faces: Array<{ identity: string; enrolled: boolean; tile_box: XYWH; face_box?: XYWH }> }> },
  predictions: Map<number, PredictedFace[]>,
  buckets: Array<[number, number]> = DEFAULT_BUCKETS,
  frames?: Iterable<number>,
): BucketRate[] {
  const rates: BucketRate[] = buckets.map((bucket) => ({ bucket, faces: 0, detected: 0, named: 0, unknown: 0, wrong: 0 }));
  const selected = frames ? new Set(frames) : undefined;
  for (const f of truth.frames) {
    if (selected && !selected.has(f.frame)) continue;
    const predicted = predictions.get(f.frame) ?? [];
    const used = new Set<number>();
    for (const face of f.faces) {
      const height = (face.face_box ?? face.tile_box)[3];
      const rate = rates.find((r) => height >= r.bucket[0] && height < r.bucket[1]);
      const tile = face.tile_box;
      const index = predicted.findIndex((p, i) => {
        const cx = p.box[0] + p.box[2] / 2;
        const cy = p.box[1] + p.box[3] / 2;
        return !used.has(i) && cx >= tile[0] && cx <= tile[0] + tile[2] && cy >= tile[1] && cy <= tile[1] + tile[3];
      });
      if (index >= 0) used.add(index);
      if (!rate) continue;
      rate.faces++;
      if (index < 0) continue;
      rate.detected++;
      const expected = face.enrolled ? norm(face.identity) : 'unknown';
      const shown = norm(predicted[index].name);
      if (shown === expected) rate.named++;
      else if (shown === 'unknown') rate.unknown++;
      else rate.wrong++;
    }
  }
  return rates;
}

async function cli(argv: string[]): Promise<void> {
  const scaleAt = argv.indexOf('--scale');
  const outDir = argv.find((a, i) => !a.startsWith('--') && !(scaleAt >= 0 && i === scaleAt + 1));
  const scale = scaleAt >= 0 ? Number(argv[scaleAt + 1]) : 0.5;
  if (!outDir) {
    console.error('Usage: node dist/bench/small-faces-clip.js OUT_DIR [--scale 0.5]');
    process.exit(2);
  }
  const testdata = resolve(__dirname, '..', '..', '..', 'shared', 'testdata', 'video');
  const made = await makeSmallFacesClip(join(testdata, 'synth_720p.mp4'), join(testdata, 'synth_720p.ground_truth.json'), resolve(outDir), scale);
  console.log(`${made.video}\n${made.truth}`);
}

if (require.main === module) {
  cli(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

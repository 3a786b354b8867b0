/**
 * Clips where one face takes another's place, built at test time with ffmpeg from the shared
 * photos and the demo recording's empty street (nothing derived from shared data is committed).
 * In each, person A stands (or walks) where, from `changeFrame` on, someone else is:
 *
 * - scene-cut: hard cut to another scene (the street mirrored, recoloured) with the other face at A's place;
 * - face-swap: the same scene, the face alone is replaced at the same place;
 * - walk-in: A walks across, and from one frame to the next someone else walks on in A's stride.
 *
 *   npm run bench -- --make-cut-clips OUT_DIR  (the three clips, their ground truth and OUT_DIR/enroll)
 *   npm run bench -- --video OUT_DIR/cut_to_stranger.mp4 --faces OUT_DIR/enroll --ground-truth OUT_DIR/cut_to_stranger.ground_truth.json
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GroundTruth, PredictedFace, TruthFrame, XYWH } from './scoring';
import { normaliseName } from './scoring';
import { runFfmpeg } from './run-ffmpeg';

export type CutKind = 'scene-cut' | 'face-swap' | 'walk-in';

export interface CutPerson {
  identity: string;
  /** The photo shown in the clip (not the enrolled one). */
  photo: string;
  enrolled: boolean;
}

export interface CutClip {
  name: string;
  kind: CutKind;
  before: CutPerson;
  after: CutPerson;
}

/** Clip geometry: 1280x720 at 25 fps like the demo camera, 4 s, faces of 220 px. */
export const CUT_CLIP = { width: 1280, height: 720, fps: 25, frames: 100, changeFrame: 51, tile: 220, y: 230 } as const;

/** Where the tile is on frame n: standing still, or walking 5 px a frame for walk-in. */
export function tileAt(kind: CutKind, n: number): XYWH {
  const x = kind === 'walk-in' ? 280 + 5 * n : 530;
  return [x, CUT_CLIP.y, CUT_CLIP.tile, CUT_CLIP.tile];
}

export function cutGroundTruth(clip: CutClip): GroundTruth & { video: string; width: number; height: number; change_frame: number } {
  const frames: TruthFrame[] = Array.from({ length: CUT_CLIP.frames }, (_, frame) => {
    const person = frame < CUT_CLIP.changeFrame ? clip.before : clip.after;
    return { frame, faces: [{ identity: person.identity, enrolled: person.enrolled, tile_box: tileAt(clip.kind, frame) }] };
  });
  return { video: `${clip.name}.mp4`, width: CUT_CLIP.width, height: CUT_CLIP.height, fps: CUT_CLIP.fps, change_frame: CUT_CLIP.changeFrame, frames };
}

/**
 * ffmpeg arguments: input 0 the demo recording (its first frame, an empty street, is the
 * background), inputs 1 and 2 the two photos. Camera noise on top, H.264 like a camera's.
 */
export function cutClipArgs(clip: CutClip, demoVideo: string, output: string): string[] {
  const { width, height, fps, frames, changeFrame, tile } = CUT_CLIP;
  const seconds = frames / fps;
  const x = clip.kind === 'walk-in' ? `280+5*n` : String(tileAt(clip.kind, 0)[0]);
  const background =
    `[0:v]trim=end_frame=1,scale=${width}:${height},loop=loop=-1:size=1:start=0,setpts=N/${fps}/TB,trim=end_frame=${frames},split[bgA][bgB0];` +
    (clip.kind === 'scene-cut' ? `[bgB0]hflip,hue=h=150:s=0.7,eq=brightness=-0.08[bgB];` : `[bgB0]null[bgB];`) +
    `[bgA][bgB]overlay=enable='gte(n,${changeFrame})'[bg];`;
  const faces =
    `[1:v]scale=${tile}:${tile},format=yuv420p[a];[2:v]scale=${tile}:${tile},format=yuv420p[b];` +
    `[bg][a]overlay=x='${x}':y=${CUT_CLIP.y}:enable='lt(n,${changeFrame})'[withA];` +
    `[withA][b]overlay=x='${x}':y=${CUT_CLIP.y}:enable='gte(n,${changeFrame})',noise=alls=6:allf=t,format=yuv420p[out]`;
  return [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-i', demoVideo,
    '-loop', '1', '-framerate', String(fps), '-t', String(seconds), '-i', clip.before.photo,
    '-loop', '1', '-framerate', String(fps), '-t', String(seconds), '-i', clip.after.photo,
    '-filter_complex', background + faces, '-map', '[out]', '-frames:v', String(frames), '-r', String(fps),
    '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', output,
  ];
}


export async function makeCutClip(clip: CutClip, demoVideo: string, outDir: string): Promise<{ video: string; truth: string }> {
  mkdirSync(outDir, { recursive: true });
  const video = join(outDir, `${clip.name}.mp4`);
  const truth = join(outDir, `${clip.name}.ground_truth.json`);
  await runFfmpeg(cutClipArgs(clip, demoVideo, video));
  writeFileSync(truth, JSON.stringify(cutGroundTruth(clip)));
  return { video, truth };
}

/** The three clips of issue 11 from testdata/people: A and B enrolled (photo 1), the stranger not; the clips show photo 2. */
export function standardCutClips(people: string): { clips: CutClip[]; enroll: Array<{ identity: string; photo: string }> } {
  const photo = (name: string, n: number) => join(people, name, `${name}_000${n}.jpg`);
  const a: CutPerson = { identity: 'Gordon_Brown', photo: photo('Gordon_Brown', 2), enrolled: true };
  const b: CutPerson = { identity: 'Lance_Armstrong', photo: photo('Lance_Armstrong', 2), enrolled: true };
  const stranger: CutPerson = { identity: 'Tom_Ridge', photo: photo('Tom_Ridge', 2), enrolled: false };
  return {
    clips: [
      { name: 'cut_to_stranger', kind: 'scene-cut', before: a, after: stranger },
      { name: 'cut_to_other_person', kind: 'face-swap', before: a, after: b },
      { name: 'stranger_walks_in', kind: 'walk-in', before: a, after: stranger },
    ],
    enroll: [a, b].map((p) => ({ identity: p.identity, photo: photo(p.identity, 1) })),
  };
}

export interface OldNameAfterChange {
  /** Output frames from the change on whose face (in the new face's tile) still shows the old name. */
  frames: number[];
  /** Those of them that were recognised frames (frame % every === 0). */
  recognisedFrames: number[];
}

/** How long the old name outlives the change: frames at or after `changeFrame` showing `oldName` on the new face. */
export function oldNameAfterChange(
  truth: GroundTruth & { change_frame: number },
  predictions: Map<number, PredictedFace[]>,
  oldName: string,
  every: number,
): OldNameAfterChange {
  const frames: number[] = [];
  const inside = (box: XYWH, tile: XYWH) => {
    const [cx, cy] = [box[0] + box[2] / 2, box[1] + box[3] / 2];
    return cx >= tile[0] && cx <= tile[0] + tile[2] && cy >= tile[1] && cy <= tile[1] + tile[3];
  };
  for (const f of truth.frames) {
    if (f.frame < truth.change_frame) continue;
    const shown = predictions.get(f.frame) ?? [];
    if (f.faces.some((face) => shown.some((p) => inside(p.box, face.tile_box) && normaliseName(p.name) === normaliseName(oldName)))) frames.push(f.frame);
  }
  return { frames, recognisedFrames: frames.filter((f) => f % every === 0) };
}

/** Writes the three clips, their ground truth and DIR/enroll (A and B's photo 1); prints the paths. */
export async function writeCutClips(outDir: string): Promise<void> {
  const testdata = resolve(__dirname, '..', '..', '..', 'shared', 'testdata');
  const { clips, enroll } = standardCutClips(join(testdata, 'people'));
  const facesDir = join(resolve(outDir), 'enroll');
  mkdirSync(facesDir, { recursive: true });
  for (const person of enroll) copyFileSync(person.photo, join(facesDir, `${person.identity}.jpg`));
  for (const clip of clips) {
    const made = await makeCutClip(clip, join(testdata, 'video', 'synth_720p.mp4'), resolve(outDir));
    console.log(`${made.video}\n${made.truth}`);
  }
  console.log(facesDir);
}

async function cli(argv: string[]): Promise<void> {
  if (!argv[0]) {
    console.error('Usage: node dist/bench/identity-cut-clips.js OUT_DIR');
    process.exit(2);
  }
  await writeCutClips(argv[0]);
}

if (require.main === module) {
  cli(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

/**
 * The face engine's lifecycle and analysis calls. Free of OpenCV itself (engines that need it
 * load it lazily), so the same handlers serve from the vision thread (YuNet needs OpenCV's DNN)
 * and from a thread of their own (Human needs no OpenCV and is too slow to share one).
 */
import { WorkerCallError } from '../../common/worker-rpc';
import { createEngine } from '../engines/create-engine';
import type { FaceEngine } from '../engines/face-engine';
import type { BgrImage, Box, DetectedFace, EmbeddedFace } from '../face.types';
import { appearanceSignature, frameThumbnail, SceneCutDetector } from '../../vision/frame-change';
import { DetectionGates } from '../../vision/detection-gate';
import type { EmbedOutcome, EmbedRequest, EngineApi, EngineInfo, FrameAnalysis, FrameDetection, FrameDetectOptions, FrameKey, InferenceOptions } from './inference.protocol';

/** Photos with a longer side than this are downscaled for detection only (faces are embedded at full resolution). */
const PHOTO_DETECTION_MAX_SIDE = 1600;

let engine: FaceEngine | undefined;
let settings: InferenceOptions | undefined;
/** Per stream (camera), the frame of its last detectFrame call, for embedFacesBatch. */
const heldFrames = new Map<string, { index: number; image: BgrImage }>();
/** Per stream, the last recognised frame's thumbnail: a cut makes the tracker re-check every face. */
const sceneCuts = new SceneCutDetector();
/** Per stream, what moved since its previous recognised frame: whether the whole frame needs detecting. */
const gates = new DetectionGates();

async function init(options: InferenceOptions): Promise<EngineInfo> {
  // Another app instance in this process (tests) asking for the same engine: keep it.
  if (engine && settings && JSON.stringify(settings) === JSON.stringify(options)) return engineInfo(engine, options);
  await engine?.dispose();
  // Forgotten before loading the next one: a model that fails to load leaves no disposed engine behind.
  engine = undefined;
  settings = undefined;
  heldFrames.clear();
  sceneCuts.forget();
  gates.forget();
  engine = await createEngine(options);
  settings = options;
  await warmUp(engine, options);
  return engineInfo(engine, options);
}

function engineInfo(e: FaceEngine, options: InferenceOptions): EngineInfo {
  return { engine: options.engine, modelId: e.modelId, embeddingSize: e.embeddingSize, detectsAround: typeof e.detectAround === 'function' };
}

/** The first run of each model allocates and compiles; pay for it now rather than on the first frame. */
async function warmUp(e: FaceEngine, options: InferenceOptions): Promise<void> {
  const image: BgrImage = { width: 640, height: 480, data: new Uint8Array(640 * 480 * 3).fill(128) };
  await e.detect(image, { maxInputWidth: options.detectionWidth, minScore: options.minScore });
  const fake: DetectedFace = {
    box: { x: 270, y: 190, width: 100, height: 100 },
    landmarks: [[300, 220], [340, 220], [320, 245], [303, 270], [337, 270]],
    score: 1,
  };
  // Engines that only embed faces they detected themselves refuse this: that is fine.
  await e.embed(image, [fake]).catch(() => undefined);
}

/** A video frame: detection at the configured width, then every face embedded. */
async function analyzeFrame(image: BgrImage): Promise<FrameAnalysis> {
  const [e, options] = ready();
  const started = performance.now();
  const detected = await e.detect(image, { maxInputWidth: options.detectionWidth, minScore: options.minScore });
  const detectedAt = performance.now();
  const faces = await withEmbeddings(e, image, detected);
  return { faces, detectMs: detectedAt - started, embedMs: performance.now() - detectedAt };
}

async function detectFrame(key: FrameKey, image: BgrImage, overrides: FrameDetectOptions = {}, tracked: Box[] = []): Promise<FrameDetection> {
  const [e, options] = ready();
  const started = performance.now();
  heldFrames.set(key.stream, { index: key.index, image });
  // Both well under a millisecond on a 720p frame: a thumbnail of ~9,000 pixel reads, 144 reads a face.
  const thumb = frameThumbnail(image);
  const { cut } = sceneCuts.check(key.stream, thumb);
  const minScore = overrides.minScore ?? options.minScore;
  const plan =
    overrides.motionGating && e.detectAround
      ? gates.of(key.stream).plan({
          thumb,
          now: started,
          tracked,
          width: image.width,
          height: image.height,
          sceneCut: cut,
          fullEveryMs: overrides.motionGating.fullEveryMs,
        })
      : { scope: 'frame' as const, around: [] };
  let faces: DetectedFace[] = [];
  if (plan.scope === 'frame') {
    faces = await e.detect(image, { maxInputWidth: overrides.detectionWidth ?? options.detectionWidth, minScore, smallFacePass: overrides.smallFacePass, stream: key.stream });
  } else if (plan.scope === 'tracks') {
    faces = await e.detectAround!(image, plan.around, minScore);
  }
  for (const face of faces) face.appearance = appearanceSignature(image, face.box);
  return { faces, detectMs: performance.now() - started, sceneCut: cut, scope: plan.scope };
}

async function detectAround(image: BgrImage, boxes: Box[], minScore?: number): Promise<FrameDetection> {
  const [e, options] = ready();
  if (!e.detectAround) throw new WorkerCallError(`engine ${options.engine} cannot detect around boxes`, 'DETECT_AROUND_UNSUPPORTED');
  const started = performance.now();
  const faces = await e.detectAround(image, boxes, minScore ?? options.minScore);
  // So the tracker can tell a face found in a track's place from the face it last recognised there.
  for (const face of faces) face.appearance = appearanceSignature(image, face.box);
  return { faces, detectMs: performance.now() - started };
}

function heldFrame(key: FrameKey): BgrImage {
  const held = heldFrames.get(key.stream);
  if (held?.index !== key.index) throw new WorkerCallError(`frame ${key.index} of ${key.stream} is no longer held for embedding`, 'FRAME_GONE');
  return held.image;
}

async function embedFacesBatch(requests: EmbedRequest[]): Promise<EmbedOutcome[]> {
  const [e] = ready();
  const outcomes: EmbedOutcome[] = [];
  const runnable: Array<{ at: number; image: BgrImage; faces: DetectedFace[] }> = [];
  for (const { key, faces } of requests) {
    try {
      runnable.push({ at: outcomes.length, image: heldFrame(key), faces });
      outcomes.push({ embeddings: [], embedMs: 0 });
    } catch (err) {
      const { message, code } = err as WorkerCallError;
      outcomes.push({ error: message, code });
    }
  }
  const faceCount = runnable.reduce((sum, r) => sum + r.faces.length, 0);
  if (faceCount === 0) return outcomes;
  const started = performance.now();
  let embedded: Float32Array[][] = [];
  if (e.embedMany) embedded = await e.embedMany(runnable);
  else for (const r of runnable) embedded.push(await e.embed(r.image, r.faces));
  const perFaceMs = (performance.now() - started) / faceCount;
  runnable.forEach((r, i) => (outcomes[r.at] = { embeddings: embedded[i], embedMs: perFaceMs * r.faces.length }));
  return outcomes;
}

async function forgetStream(stream: string): Promise<void> {
  heldFrames.delete(stream);
  sceneCuts.forget(stream);
  gates.forget(stream);
  engine?.forgetStream?.(stream);
}

/** A still photo: detection at (nearly) full resolution, every face embedded, largest first. */
async function analyzeImage(image: BgrImage): Promise<EmbeddedFace[]> {
  const [e, options] = ready();
  const longest = Math.max(image.width, image.height);
  const maxInputWidth = longest > PHOTO_DETECTION_MAX_SIDE ? Math.round((image.width * PHOTO_DETECTION_MAX_SIDE) / longest) : 0;
  const detected = await e.detect(image, { maxInputWidth, minScore: options.minScore });
  return (await withEmbeddings(e, image, detected)).sort((a, b) => area(b.box) - area(a.box));
}

async function withEmbeddings(e: FaceEngine, image: BgrImage, faces: DetectedFace[]): Promise<EmbeddedFace[]> {
  const embeddings = await e.embed(image, faces);
  return faces.map((face, i) => ({ ...face, embedding: embeddings[i] }));
}

function ready(): [FaceEngine, InferenceOptions] {
  if (!engine || !settings) throw new WorkerCallError('inference engine not initialised', 'NOT_INITIALISED');
  return [engine, settings];
}

function area(box: Box): number {
  return box.width * box.height;
}

export const engineHandlers: EngineApi = { init, analyzeFrame, detectFrame, detectAround, embedFacesBatch, analyzeImage, forgetStream };

/** Calls on the drawing path: served in the drawing lane, so they never wait behind an embedding. */
export const DRAWING_PATH_ENGINE_CALLS: ReadonlySet<string> = new Set(['detectAround']);

import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Frame } from '../camera/frame';
import { GalleryService } from './gallery.service';
import type { Box, DetectedFace, Point } from './face.types';
import type { EmbeddingBatchStats } from './inference/embedding-batcher';
import { InferenceClient } from './inference/inference.client';
import type { ModelMatch } from './engines/model-match';
import type { EngineInfo, FrameDetectOptions, PhotoAnalysis } from './inference/inference.protocol';
import type { MatchPolicy, MatchResult } from './matching/matcher';
import { MatchOverrides, policyFor, ruleWithOverrides, type ThresholdRule } from './matching/open-set-threshold';
import { inPrivacyZone, PrivacyZone } from '../stream/privacy-zones';
import type { DetectionScope } from '../vision/detection-gate';

export const MATCH_RULE = Symbol('MATCH_RULE');
/** The embedding model in use and its different-person tail (engines/model-match.ts). */
export const MODEL_MATCH = Symbol('MODEL_MATCH');
/** Provide `true` to start with a model of your own that has no tail yet (the CLI's evaluation commands). */
export const ALLOW_UNFITTED_MODEL = Symbol('ALLOW_UNFITTED_MODEL');

/** A face on a frame with the decision about who it is. */
export interface RecognizedFace {
  /** The same face keeps its id from frame to frame while it is tracked. */
  trackId: number;
  box: Box;
  /** Empty on frames where the face was not detected (its box is predicted). */
  landmarks: Point[];
  score: number;
  personId: number | null;
  name: string;
  similarity: number;
  confidence: number;
}

/** A detected face of a frame, with who it is when it was embedded this time (else null). */
export interface FrameFace extends DetectedFace {
  match: MatchResult | null;
  /** The face's embedding when it was embedded this time (else null). */
  embedding: Float32Array | null;
}

/** What detection learnt about the frame as a whole, for the tracker. */
export interface FrameContext {
  /** The picture cut away from the camera's previous recognised frame (another scene, a camera jump). */
  sceneCut: boolean;
  /** Where detection looked (motion gating): faces outside the tracked ones' regions were not searched for unless `frame`. */
  scope: DetectionScope;
}

/** How one camera's frames are recognised: its name keys every engine call, its settings override the server's. */
export interface CameraRecognition {
  camera: string;
  detect: FrameDetectOptions;
  matchRule: ThresholdRule;
  /** Faces shorter than this (px) are ignored (0 = none). */
  minFacePx: number;
  /** Faces whose centre is in one of these polygons (fractions of the frame) are ignored. */
  zones?: PrivacyZone[];
}

/** Where one frame's recognition time went. */
export interface RecognitionTimings {
  /** Round trip to the vision thread, including waiting there. */
  inferenceMs: number;
  detectMs: number;
  embedMs: number;
  matchingMs: number;
}

/**
 * Runs the engine (in its worker) on frames and photos and names the faces against the
 * gallery. Matching runs here, on the main thread, against the in-memory gallery.
 */
@Injectable()
export class RecognitionService implements OnModuleInit {
  private readonly logger = new Logger(RecognitionService.name);

  constructor(
    private readonly inference: InferenceClient,
    private readonly gallery: GalleryService,
    @Inject(MATCH_RULE) readonly matchRule: ThresholdRule,
    @Inject(MODEL_MATCH) readonly model: ModelMatch,
  ) {}

  /** The threshold and margin in force now: with the open-set rule they follow the gallery's size. */
  get matchPolicy(): MatchPolicy {
    return this.policyForGallery(this.gallery.size);
  }

  /** The policy for a gallery of `vectors` enrolled vectors (1 = comparing two photos). */
  policyForGallery(vectors: number, rule: ThresholdRule = this.matchRule): MatchPolicy {
    return policyFor(rule, vectors);
  }

  /** The policy of one camera's rule for the gallery as it is now. */
  policyOf(rule: ThresholdRule): MatchPolicy {
    return policyFor(rule, this.gallery.size);
  }

  /** A camera's rule: the server's, unless the camera fixes a threshold or its own false-name rate (that one needs the model's tail). */
  ruleFor(overrides: MatchOverrides): ThresholdRule {
    return ruleWithOverrides(this.matchRule, this.model.tail, overrides);
  }

  async onModuleInit(): Promise<void> {
    const info = await this.inference.start();
    this.gallery.reset(info.embeddingSize);
    const rule = this.matchRule;
    const threshold =
      rule.kind === 'fixed' ? `fixed threshold ${rule.threshold}` : `threshold for ${(rule.falseNameRate * 100).toFixed(2)} % strangers named`;
    this.logger.log(`engine ${info.engine} (${info.modelId}, ${info.embeddingSize}-d) ready; ${threshold}, margin ${rule.margin}; different-person tail ${this.model.source}`);
  }

  get engine(): EngineInfo {
    return this.inference.engineInfo;
  }

  get workerAlive(): boolean {
    return this.inference.alive;
  }

  /** Embedding calls made for how many camera frames' requests (batched across cameras). */
  get embeddingBatches(): EmbeddingBatchStats {
    return this.inference.embeddingBatches;
  }

  /**
   * Detects every face of the frame, then embeds and names only those `needsEmbedding` asks
   * for (a tracker already knows the others): detection is cheap, embedding is what costs.
   * `needsEmbedding` also learns whether the frame is a scene cut (found during detection) and
   * where detection looked. `tracked`: the camera's tracked faces predicted for this frame (with
   * motion gating, a still picture is searched only around them).
   */
  async recognizeFrame(
    camera: CameraRecognition,
    frame: Frame,
    needsEmbedding: (faces: DetectedFace[], context: FrameContext) => boolean[] = (faces) => faces.map(() => true),
    timings?: RecognitionTimings,
    tracked: Box[] = [],
  ): Promise<FrameFace[]> {
    const started = performance.now();
    const key = { stream: camera.camera, index: frame.index };
    const detection = await this.inference.detectFrame(key, frame.image, camera.detect, tracked);
    const { detectMs } = detection;
    const faces = detection.faces.filter(
      (face) => face.box.height >= camera.minFacePx && !inPrivacyZone(face.box, camera.zones ?? [], frame.image.width, frame.image.height),
    );
    const wanted = needsEmbedding(faces, { sceneCut: detection.sceneCut ?? false, scope: detection.scope ?? 'frame' });
    const chosen = faces.filter((_, i) => wanted[i]);
    const { embeddings, embedMs } = chosen.length ? await this.inference.embedFaces(key, chosen) : { embeddings: [], embedMs: 0 };
    const inferred = performance.now();
    const matches = await this.gallery.matchAll(embeddings, this.policyOf(camera.matchRule));
    let next = 0;
    const recognized = faces.map((face, i) => {
      if (!wanted[i]) return { ...face, embedding: null, match: null };
      const at = next++;
      return { ...face, embedding: embeddings[at], match: matches[at] };
    });
    if (timings) Object.assign(timings, { inferenceMs: inferred - started, detectMs, embedMs, matchingMs: performance.now() - inferred });
    return recognized;
  }

  /** Recognitions (whole-frame detections) waiting for the inference thread, all cameras together. */
  get recognitionsPending(): number {
    return this.inference.detectionsPending;
  }

  /** Whether findFacesNear works with this engine. */
  get canFindFacesNear(): boolean {
    return this.inference.engineInfo.detectsAround;
  }

  /**
   * Faces of the frame near the given boxes only (about 1–3 ms a face, against a whole-frame
   * detection): enough to tell whether tracked faces are still there between recognitions.
   */
  async findFacesNear(camera: CameraRecognition, frame: Frame, boxes: Box[]): Promise<DetectedFace[]> {
    if (boxes.length === 0) return [];
    const { faces } = await this.inference.detectAround(frame.image, boxes, camera.detect.minScore);
    return faces.filter((face) => !inPrivacyZone(face.box, camera.zones ?? [], frame.image.width, frame.image.height));
  }

  /** A camera was removed: the engine lets go of its held frame and per-camera state. */
  async forgetCamera(camera: string): Promise<void> {
    await this.inference.forgetStream(camera).catch(() => undefined);
  }

  /** The current name of an enrolled person (undefined once deleted). */
  nameOf(personId: number): string | undefined {
    return this.gallery.nameOf(personId);
  }

  /** Decodes an uploaded photo and finds and embeds its faces (see InferenceApi). */
  analyzePhoto(encoded: Uint8Array): Promise<PhotoAnalysis> {
    return this.inference.analyzePhoto(encoded);
  }
}

import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Frame } from '../camera/frame';
import { GalleryService } from './gallery.service';
import type { BgrImage, Box, Point } from './face.types';
import { InferenceClient } from './inference/inference.client';
import type { EngineInfo, PhotoAnalysis } from './inference/inference.protocol';
import type { MatchPolicy } from './matching/matcher';

export const MATCH_POLICY = Symbol('MATCH_POLICY');

/** A face in a frame with the decision about who it is. */
export interface RecognizedFace {
  box: Box;
  landmarks: Point[];
  score: number;
  personId: number | null;
  name: string;
  similarity: number;
  confidence: number;
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
    @Inject(MATCH_POLICY) readonly matchPolicy: MatchPolicy,
  ) {}

  async onModuleInit(): Promise<void> {
    const info = await this.inference.start();
    this.gallery.reset(info.embeddingSize);
    this.logger.log(
      `engine ${info.engine} (${info.modelId}) ready; threshold ${this.matchPolicy.threshold}, margin ${this.matchPolicy.margin}`,
    );
  }

  get engine(): EngineInfo {
    return this.inference.engineInfo;
  }

  get workerAlive(): boolean {
    return this.inference.alive;
  }

  async recognizeFrame(frame: Frame, timings?: RecognitionTimings): Promise<RecognizedFace[]> {
    return this.recognizeImage(frame.image, timings);
  }

  async recognizeImage(image: BgrImage, timings?: RecognitionTimings): Promise<RecognizedFace[]> {
    const started = performance.now();
    const { faces, detectMs, embedMs } = await this.inference.analyzeFrame(image);
    const inferred = performance.now();
    const recognized = faces.map(({ embedding, ...face }) => ({ ...face, ...this.gallery.match(embedding, this.matchPolicy) }));
    if (timings) Object.assign(timings, { inferenceMs: inferred - started, detectMs, embedMs, matchingMs: performance.now() - inferred });
    return recognized;
  }

  /** Decodes an uploaded photo and finds and embeds its faces (see InferenceApi). */
  analyzePhoto(encoded: Uint8Array): Promise<PhotoAnalysis> {
    return this.inference.analyzePhoto(encoded);
  }
}

import type { BgrImage, EmbeddedFace } from '../face.types';
import { VisionThread } from '../../vision/vision-thread';
import type { EngineInfo, InferenceOptions, PhotoAnalysis } from './inference.protocol';

/**
 * Main-thread boundary of face inference. The engine loads and runs in the vision thread,
 * so detection and embedding never block HTTP serving.
 */
export class InferenceClient {
  private info?: EngineInfo;

  constructor(
    private readonly options: InferenceOptions,
    private readonly vision: VisionThread = VisionThread.shared(),
  ) {}

  get engineInfo(): EngineInfo {
    if (!this.info) throw new Error('inference engine not started');
    return this.info;
  }

  get alive(): boolean {
    return this.vision.alive;
  }

  /** Loads the engine (a no-op when this engine is already loaded). */
  async start(): Promise<EngineInfo> {
    this.info = await this.vision.call('init', [this.options]);
    return this.info;
  }

  analyzeFrame(image: BgrImage): Promise<EmbeddedFace[]> {
    return this.vision.call('analyzeFrame', [image]);
  }

  analyzePhoto(encoded: Uint8Array): Promise<PhotoAnalysis> {
    return this.vision.call('analyzePhoto', [encoded]);
  }
}

import { resolve } from 'node:path';
import { startWorker, WorkerRpcClient } from '../../common/worker-rpc';
import { VisionThread } from '../../vision/vision-thread';
import type { BgrImage, Box, DetectedFace } from '../face.types';
import type { EngineApi, EngineInfo, FaceEmbeddings, FrameAnalysis, FrameDetection, FrameDetectOptions, FrameKey, InferenceOptions, PhotoAnalysis } from './inference.protocol';
import { faceSharpness } from '../quality/face-quality';
import { EmbeddingBatcher, type EmbeddingBatchStats } from './embedding-batcher';

const ENGINE_WORKER_MODULE = resolve(__dirname, 'engine.worker');

/** Calls to the thread hosting the engine. */
type EngineHost = Pick<WorkerRpcClient<EngineApi>, 'call' | 'alive'>;

/**
 * Main-thread boundary of face inference; nothing here blocks HTTP serving. The default
 * engine runs in the vision thread (YuNet needs OpenCV, which lives there only); an engine
 * without OpenCV (Human) gets a thread of its own, so its slower inference never holds up
 * drawing. Photos are decoded and thumbnailed in the vision thread either way.
 */
export class InferenceClient {
  private info?: EngineInfo;
  private readonly host: EngineHost;
  private readonly embeddings: EmbeddingBatcher;
  private pendingDetections = 0;

  constructor(
    private readonly options: InferenceOptions,
    private readonly vision: VisionThread = VisionThread.shared(),
  ) {
    this.host = options.engine === 'yunet-edgeface' ? vision : engineThreadFor(options.engine);
    this.embeddings = new EmbeddingBatcher((requests) => this.host.call('embedFacesBatch', [requests]));
  }

  get engineName(): InferenceOptions['engine'] {
    return this.options.engine;
  }

  get engineInfo(): EngineInfo {
    if (!this.info) throw new Error('inference engine not started');
    return this.info;
  }

  get alive(): boolean {
    return this.vision.alive && this.host.alive;
  }

  /** Loads the engine (a no-op when this engine is already loaded). */
  async start(): Promise<EngineInfo> {
    this.info = await this.host.call('init', [this.options]);
    return this.info;
  }

  analyzeFrame(image: BgrImage): Promise<FrameAnalysis> {
    return this.host.call('analyzeFrame', [image]);
  }

  /** Whole-frame detections sent and not answered yet, all cameras: more than one means recognition is behind. */
  get detectionsPending(): number {
    return this.pendingDetections;
  }

  detectFrame(key: FrameKey, image: BgrImage, options?: FrameDetectOptions, tracked?: Box[]): Promise<FrameDetection> {
    this.pendingDetections++;
    return this.host.call('detectFrame', [key, image, options, tracked]).finally(() => this.pendingDetections--);
  }

  /** Faces near the given boxes only; check engineInfo.detectsAround first. */
  detectAround(image: BgrImage, boxes: Box[], minScore?: number): Promise<FrameDetection> {
    return this.host.call('detectAround', [image, boxes, minScore]);
  }

  /** Batched with other cameras' requests while a call is in flight (EmbeddingBatcher). */
  embedFaces(key: FrameKey, faces: DetectedFace[]): Promise<FaceEmbeddings> {
    return this.embeddings.embed(key, faces);
  }

  get embeddingBatches(): EmbeddingBatchStats {
    return { ...this.embeddings.stats };
  }

  /** Frees what the engine holds for a camera that was removed. */
  forgetStream(stream: string): Promise<void> {
    return this.host.call('forgetStream', [stream]);
  }

  /** Decodes an uploaded photo, finds and embeds every face, and crops a thumbnail of each. */
  async analyzePhoto(encoded: Uint8Array): Promise<PhotoAnalysis> {
    const image = await this.vision.call('decodePhoto', [encoded]);
    const faces = await this.host.call('analyzeImage', [image]);
    const thumbnails = faces.length ? await this.vision.call('faceThumbnails', [image, faces.map((f) => f.box)]) : [];
    return {
      width: image.width,
      height: image.height,
      faces: faces.map((face, i) => ({ ...face, thumbnailJpeg: thumbnails[i], sharpness: faceSharpness(image, face.box) })),
    };
  }
}

/** One thread per OpenCV-free engine for the life of the process (app restarts in tests reuse it). */
const engineThreads = new Map<string, WorkerRpcClient<EngineApi>>();
function engineThreadFor(engine: string): WorkerRpcClient<EngineApi> {
  let client = engineThreads.get(engine);
  if (!client?.alive) {
    client = new WorkerRpcClient<EngineApi>(startWorker(ENGINE_WORKER_MODULE, { name: `engine-${engine}` }), { keepProcessAliveOnlyWhileBusy: true });
    engineThreads.set(engine, client);
  }
  return client;
}

import type { EngineApi, PhotoApi } from '../recognition/inference/inference.protocol';
import type { RenderApi } from '../stream/render/render.protocol';

/** Everything the vision thread serves: the OpenCV engine, photo decoding, and drawing for the stream. */
export type VisionApi = EngineApi & PhotoApi & RenderApi;

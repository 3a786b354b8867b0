import type { InferenceApi } from '../recognition/inference/inference.protocol';
import type { RenderApi } from '../stream/render/render.protocol';

/** Everything the vision thread serves: inference for recognition, drawing for the stream. */
export type VisionApi = InferenceApi & RenderApi;

import type { InferenceOptions } from '../inference/inference.protocol';
import type { FaceEngine } from './face-engine';

/**
 * Loads the configured engine. Each engine's module is required only when chosen, so the
 * default engine never pays for loading tfjs/WASM and Human never loads onnxruntime.
 */
export async function createEngine(options: InferenceOptions): Promise<FaceEngine> {
  switch (options.engine) {
    case 'yunet-edgeface': {
      const { YunetEdgefaceEngine } = await import('./yunet-edgeface.engine');
      return YunetEdgefaceEngine.load(options.modelsDir, { smallFacePass: options.smallFacePass ?? 'off', embeddingModel: options.embeddingModel });
    }
    case 'human': {
      const { HumanEngine } = await import('./human.engine');
      return HumanEngine.load();
    }
    default:
      throw new Error(`unknown recognition engine "${String(options.engine)}"`);
  }
}

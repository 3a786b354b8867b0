import type { RecognizedFace } from '../../src/recognition/recognition.service';
import type { FrameObservation } from '../../src/stream/stream.types';

/**
 * A recognised frame as the pipeline publishes it ('frame.observed'), for recorder specs: camera
 * `door`, recognised at `at`, the given faces (each also given its embedding, or null), a blank
 * 100x100 image unless one is given, and `hold` (see HeldPixels) so a spec can count the holds.
 */
export function observationAt(
  at: number,
  faces: RecognizedFace[],
  more: Partial<Pick<FrameObservation, 'camera' | 'image' | 'embeddings' | 'hold'>> = {},
): FrameObservation {
  return {
    camera: 'door',
    frameIndex: at,
    capturedAt: at,
    recognizedAt: at,
    inferenceMs: 1,
    detectMs: 1,
    embedMs: 1,
    matchingMs: 0,
    faces,
    image: { width: 100, height: 100, data: new Uint8Array(100 * 100 * 3) },
    embeddings: faces.map(() => null),
    hold: () => () => undefined,
    ...more,
  };
}

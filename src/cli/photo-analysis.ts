import { WorkerCallError } from '../common/worker-rpc';
import { checkUpload, type UploadLimits } from '../people/upload/upload-validation';
import { PHOTO_UNDECODABLE, type PhotoAnalysis } from '../recognition/inference/inference.protocol';
import type { RecognitionService } from '../recognition/recognition.service';
import { centralFaceIndex } from '../recognition/evaluation/verification';
import { CliError, messageOf } from './cli-errors';
import { readLimited } from './files';
import type { Progress } from './progress';

/**
 * Reads a photo file and runs it through the server's photo path: the same upload checks
 * (size, format, pixel count, truncation) and the same decoding (EXIF orientation),
 * detection and embedding as an enrollment upload. Throws CliError with the reason.
 */
export async function analyzePhotoFile(recognition: RecognitionService, path: string, limits: UploadLimits): Promise<PhotoAnalysis> {
  const bytes = await readLimited(path, limits.maxBytes);
  try {
    checkUpload(bytes, limits);
  } catch (err) {
    throw new CliError(`${path}: ${messageOf(err)}`);
  }
  return recognition.analyzePhoto(bytes).catch((err: unknown) => {
    if (err instanceof WorkerCallError && err.code === PHOTO_UNDECODABLE) throw new CliError(`${path}: ${err.message}`);
    throw err;
  });
}

/** The subject's face of one photo of a labelled set. */
export interface ImageEmbedding {
  /** The central face's embedding; null when no face was found or the file was unusable. */
  embedding: Float32Array | null;
  faces: number;
  /** Why the file could not be analysed at all. */
  problem?: string;
  /** Time for decoding, detection and embedding (the vision thread's round trip). */
  ms: number;
}

/**
 * Embeds the subject of each photo of a labelled set (LFW-style portraits): the face nearest
 * the centre, since other people may appear at the edges. One photo at a time (the vision
 * thread works on one anyway), with progress.
 */
export async function embedImages(
  recognition: RecognitionService,
  paths: readonly string[],
  limits: UploadLimits,
  progress: Progress,
): Promise<Map<string, ImageEmbedding>> {
  const results = new Map<string, ImageEmbedding>();
  for (const path of paths) {
    const started = performance.now();
    try {
      const analysis = await analyzePhotoFile(recognition, path, limits);
      const i = centralFaceIndex(analysis.faces.map((f) => f.box), analysis.width, analysis.height);
      results.set(path, { embedding: i < 0 ? null : analysis.faces[i].embedding, faces: analysis.faces.length, ms: performance.now() - started });
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      results.set(path, { embedding: null, faces: 0, problem: err.message, ms: performance.now() - started });
    }
    progress.tick(path);
  }
  progress.stop();
  return results;
}

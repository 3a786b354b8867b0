import { resolve } from 'node:path';
import { dot } from '../../recognition/matching/similarity';
import type { PhotoAnalysis } from '../../recognition/inference/inference.protocol';
import { RecognitionService } from '../../recognition/recognition.service';
import { runInContext, uploadLimitsOf, type GlobalOptions } from '../cli-context';
import { CliError } from '../cli-errors';
import { requireFile } from '../files';
import { fixed, printJson, round } from '../format';
import { analyzePhotoFile } from '../photo-analysis';

export interface CompareOptions extends GlobalOptions {
  json?: boolean;
}

/** `compare A B`: the similarity of the main (largest) face of two photos, and same/different at the configured threshold. */
export async function compareCommand(a: string, b: string, options: CompareOptions): Promise<void> {
  await requireFile(a, 'image');
  await requireFile(b, 'image');
  await runInContext({ people: false, verbose: options.verbose }, async (app) => {
    const recognition = app.get(RecognitionService);
    const limits = uploadLimitsOf(app);
    const photos = [await analyzePhotoFile(recognition, a, limits), await analyzePhotoFile(recognition, b, limits)];
    photos.forEach((photo, i) => {
      if (photo.faces.length === 0) throw new CliError(`no face found in ${[a, b][i]}`);
    });
    const similarity = dot(photos[0].faces[0].embedding, photos[1].faces[0].embedding);
    // Two photos: one enrolled vector to be mistaken for.
    const { threshold } = recognition.policyForGallery(1);
    const samePerson = similarity >= threshold;
    const { engine, modelId } = recognition.engine;
    const describe = (file: string, photo: PhotoAnalysis) => {
      const { x, y, width, height } = photo.faces[0].box;
      return { file: resolve(file), faces: photo.faces.length, box: [x, y, width, height].map(Math.round) };
    };
    if (options.json) {
      printJson({ similarity: round(similarity), threshold, samePerson, engine, modelId, a: describe(a, photos[0]), b: describe(b, photos[1]) });
      return;
    }
    console.log(
      `similarity ${fixed(similarity)}: ${samePerson ? 'same person' : 'different people'} ` +
        `(threshold ${threshold}, engine ${engine})`,
    );
    photos.forEach((photo, i) => {
      if (photo.faces.length > 1) console.log(`${[a, b][i]}: ${photo.faces.length} faces, the largest was compared`);
    });
  });
}

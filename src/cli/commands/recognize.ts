import { resolve } from 'node:path';
import { GalleryService } from '../../recognition/gallery.service';
import { RecognitionService } from '../../recognition/recognition.service';
import { runInContext, uploadLimitsOf, type GlobalOptions } from '../cli-context';
import { requireFile } from '../files';
import { printJson, round } from '../format';
import { analyzePhotoFile } from '../photo-analysis';

/**
 * `recognize IMAGE`: every face of a photo (largest first) named against the people enrolled
 * in DATA_DIR, with the live stream's rule (threshold and margin) and confidence, as JSON.
 */
export async function recognizeCommand(image: string, options: GlobalOptions): Promise<void> {
  await requireFile(image, 'image');
  await runInContext({ people: true, verbose: options.verbose }, async (app) => {
    const recognition = app.get(RecognitionService);
    const gallery = app.get(GalleryService);
    const analysis = await analyzePhotoFile(recognition, image, uploadLimitsOf(app));
    const policy = recognition.matchPolicy;
    if (gallery.peopleCount === 0) console.error(`face-stream: nobody is enrolled in DATA_DIR; every face is Unknown`);
    const faces = analysis.faces.map((face) => {
      const match = gallery.match(face.embedding, policy);
      const { x, y, width, height } = face.box;
      return {
        box: [x, y, width, height].map(Math.round),
        name: match.name,
        personId: match.personId,
        similarity: round(match.similarity),
        confidence: match.confidence,
        detectorScore: round(face.score, 3),
      };
    });
    printJson({
      image: resolve(image),
      width: analysis.width,
      height: analysis.height,
      engine: recognition.engine.engine,
      modelId: recognition.engine.modelId,
      threshold: policy.threshold,
      margin: policy.margin,
      enrolledPeople: gallery.peopleCount,
      // The threshold follows this count (each vector is one more chance to mistake a stranger).
      enrolledVectors: gallery.size,
      faces,
    });
  });
}

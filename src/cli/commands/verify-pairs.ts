import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { summarise } from '../../bench/stats';
import { accuracyAt, lfwImagePath, parsePairs, tprAtFar, type ScoredPair } from '../../recognition/evaluation/verification';
import { dot } from '../../recognition/matching/similarity';
import { RecognitionService } from '../../recognition/recognition.service';
import { runInContext, uploadLimitsOf, type GlobalOptions } from '../cli-context';
import { usageError } from '../cli-errors';
import { requireDir, requireFile } from '../files';
import { fixed, machineLoad, pct, printJson, round } from '../format';
import { crossValidateWith, planFolds, readPairsHeader } from '../pair-folds';
import { embedImages } from '../photo-analysis';
import { progressBar } from '../progress';

export interface VerifyPairsOptions extends GlobalOptions {
  folds?: number;
  json?: boolean;
}

const FAR_TARGETS = [0.001, 0.01];

/**
 * `verify-pairs PAIRS IMAGES_DIR`: LFW-protocol verification. Each image's subject (the face
 * nearest the centre) is embedded once; a pair scores the cosine similarity of its two faces,
 * -1 when a face is missing (so a missed face makes a same pair an error). Reports
 * cross-validated accuracy, TPR at fixed FARs, faces missed and time per image.
 */
export async function verifyPairsCommand(pairsFile: string, imagesDir: string, options: VerifyPairsOptions): Promise<void> {
  await requireFile(pairsFile, 'pairs file');
  await requireDir(imagesDir, 'images folder');
  const text = await readFile(pairsFile, 'utf8');
  let pairs;
  try {
    pairs = parsePairs(text);
  } catch (err) {
    throw usageError(`${pairsFile}: ${(err as Error).message}`);
  }
  const plan = planFolds(readPairsHeader(text), pairs.length, options.folds);
  if (pairs.length < plan.k * 2) throw usageError(`${pairsFile}: ${pairs.length} pairs are too few for ${plan.k}-fold cross-validation`);
  if (!pairs.some((p) => p.same) || !pairs.some((p) => !p.same)) throw usageError(`${pairsFile}: needs both same-person and different-person pairs`);

  const images = [...new Set(pairs.flatMap((p) => [lfwImagePath(p.a), lfwImagePath(p.b)]))];
  const missing: string[] = [];
  for (const image of images) if (!(await stat(join(imagesDir, image)).catch(() => undefined))?.isFile()) missing.push(image);
  if (missing.length > 0) {
    throw usageError(`${missing.length} image(s) of ${pairsFile} are missing under ${imagesDir} (expected <name>/<name>_0001.jpg), e.g. ${missing.slice(0, 3).join(', ')}`);
  }

  await runInContext({ people: false, allowUnfittedModel: true, verbose: options.verbose }, async (app) => {
    const recognition = app.get(RecognitionService);
    const load = machineLoad();
    const embedded = await embedImages(
      recognition,
      images.map((image) => join(imagesDir, image)),
      uploadLimitsOf(app),
      progressBar(images.length, 'analysing'),
    );
    const embeddingOf = (image: string) => embedded.get(join(imagesDir, image))!.embedding;
    const scored: ScoredPair[] = pairs.map((p) => {
      const [a, b] = [embeddingOf(lfwImagePath(p.a)), embeddingOf(lfwImagePath(p.b))];
      return { same: p.same, score: a && b ? dot(a, b) : -1 };
    });
    const cv = crossValidateWith(scored, plan);
    const atFar = FAR_TARGETS.map((target) => ({ target, ...tprAtFar(scored, target) }));
    const configured = recognition.policyForGallery(1).threshold;
    const missed = images.filter((image) => !embeddingOf(image));
    const problems = images.flatMap((image) => {
      const problem = embedded.get(join(imagesDir, image))!.problem;
      return problem ? [problem] : [];
    });
    const timing = summarise([...embedded.values()].map((e) => e.ms));
    const sameCount = pairs.filter((p) => p.same).length;
    const differentCount = pairs.length - sameCount;
    const result = {
      engine: recognition.engine.engine,
      modelId: recognition.engine.modelId,
      pairs: pairs.length,
      samePairs: sameCount,
      differentPairs: differentCount,
      images: images.length,
      folds: plan,
      accuracy: { mean: round(cv.mean), std: round(cv.std), perFold: cv.accuracies.map((a) => round(a)) },
      threshold: {
        mean: round(cv.meanThreshold),
        min: round(Math.min(...cv.thresholds)),
        max: round(Math.max(...cv.thresholds)),
      },
      configuredThreshold: { threshold: configured, accuracy: round(accuracyAt(scored, configured)) },
      tprAtFar: atFar.map((r) => ({ targetFar: r.target, tpr: round(r.tpr), far: round(r.far), threshold: round(r.threshold) })),
      facesMissed: missed.length,
      missedImages: missed,
      unreadable: problems,
      msPerImage: { median: round(timing.median, 1), p95: round(timing.p95, 1), mean: round(timing.mean, 1) },
      machine: load,
    };
    if (options.json) return printJson(result);

    const foldText =
      plan.kind === 'protocol' ? `the file's ${plan.k} folds` : `${plan.k}-fold cross-validation inside the list (pair i in fold i mod ${plan.k})`;
    console.log(`engine ${result.engine} (${result.modelId}); ${pairs.length} pairs (${sameCount} same, ${differentCount} different), ${images.length} images`);
    console.log(`accuracy ${pct(cv.mean, 2)} ± ${pct(cv.std, 2)} over ${foldText}`);
    console.log(`  per fold: ${cv.accuracies.map((a) => (100 * a).toFixed(1)).join(' ')}`);
    console.log(
      `threshold chosen on the training folds: ${fixed(cv.meanThreshold)} on average (${fixed(Math.min(...cv.thresholds))}..${fixed(Math.max(...cv.thresholds))})`,
    );
    console.log(`at the configured threshold ${configured}: accuracy ${pct(result.configuredThreshold.accuracy ?? NaN, 2)}`);
    for (const r of atFar) {
      const allowed = Math.floor(r.target * differentCount + 1e-9);
      console.log(
        `TPR ${pct(r.tpr, 1)} at FAR ${pct(r.target, 1)} (similarity > ${fixed(r.threshold)}; ${allowed} of ${differentCount} different pairs may pass)`,
      );
    }
    console.log(`faces missed: ${missed.length} of ${images.length}${missed.length ? ` (${missed.slice(0, 10).join(', ')}${missed.length > 10 ? ', ...' : ''})` : ''}`);
    for (const problem of problems) console.log(`  unreadable: ${problem}`);
    console.log(
      `time per image (decode + detect + embed): median ${fixed(timing.median, 1)} ms, p95 ${fixed(timing.p95, 1)} ms ` +
        `(${load.cores} cores, load average ${load.loadAvg1m} at start)`,
    );
  });
}

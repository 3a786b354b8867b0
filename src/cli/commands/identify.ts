import { summarise } from '../../bench/stats';
import {
  differentPersonSimilarities,
  evaluateAt,
  scoreProbes,
  splitOpenSet,
  sweepThresholds,
  thresholdRange,
  type LabelledImage,
} from '../../recognition/evaluation/identification';
import type { MatchPolicy } from '../../recognition/matching/matcher';
import { fitHint, matchRuleForModel, writeTailFile } from '../../recognition/engines/model-match';
import { fitImpostorTail } from '../../recognition/matching/open-set-threshold';
import { fitTail, TailFitError, type TailRecord } from '../../recognition/matching/tail-fit';
import { RecognitionService } from '../../recognition/recognition.service';
import { configOf, runInContext, uploadLimitsOf, type GlobalOptions } from '../cli-context';
import { CliError } from '../cli-errors';
import { listPeople, requireDir } from '../files';
import { fixed, machineLoad, pct, printJson, ratio, round } from '../format';
import { embedImages } from '../photo-analysis';
import { progressBar } from '../progress';

export interface IdentifyOptions extends GlobalOptions {
  enrollPerPerson: number;
  threshold?: number;
  margin?: number;
  /** Sweep range: from, to, step. */
  sweep: [number, number, number];
  json?: boolean;
  /** Fit EMBEDDING_MODEL's different-person tail on the folder and write it next to the model. */
  fit?: boolean;
}

/**
 * `identify IMAGES_DIR`: open-set identification, the way the live stream names faces.
 * Everyone with more photos than --enroll-per-person is enrolled (in memory only) with their
 * first photo(s); their other photos are known probes, and every photo of everyone else is a
 * stranger probe. Reports rank-1, named right, wrong names and strangers named at the
 * operating point (by default the server's threshold for a gallery of that size), a threshold
 * sweep, and the fit of the engine's different-person similarity tail (engine-defaults.ts).
 * With --fit, that fit is written as EMBEDDING_MODEL's tail file (tail-fit.ts), and the operating
 * point is the one the server will use with it.
 */
export async function identifyCommand(imagesDir: string, options: IdentifyOptions): Promise<void> {
  await requireDir(imagesDir, 'images folder');
  const people = await listPeople(imagesDir);
  const paths = people.flatMap((p) => p.files);
  if (paths.length === 0) throw new CliError(`no photos in ${imagesDir}: expected one folder per person (<name>/<photos>)`);

  await runInContext({ people: false, allowUnfittedModel: true, verbose: options.verbose }, async (app) => {
    const recognition = app.get(RecognitionService);
    const { model } = recognition;
    const configuredThreshold = configOf(app).get('MATCH_THRESHOLD', { infer: true });
    if (options.fit && !model.own) {
      throw new CliError('--fit fits the different-person tail of EMBEDDING_MODEL, a model of your own; the bundled models have theirs built in');
    }
    if (!options.fit && !model.tail && configuredThreshold === undefined && options.threshold === undefined) {
      throw new CliError(`EMBEDDING_MODEL has no fitted different-person tail, so there is no threshold to test: add --fit (${fitHint(model)}), or --threshold`);
    }
    const load = machineLoad();
    const embedded = await embedImages(recognition, paths, uploadLimitsOf(app), progressBar(paths.length, 'analysing'));
    const images: LabelledImage[] = people.flatMap((p) =>
      p.files.map((file) => ({ identity: p.name, image: file, embedding: embedded.get(file)!.embedding })),
    );
    const split = splitOpenSet(images, options.enrollPerPerson);
    if (split.enrolledPeople === 0) {
      throw new CliError(`nobody in ${imagesDir} has more than ${options.enrollPerPerson} photo(s) with a face: nothing to enroll`);
    }
    let fitted: TailRecord | undefined;
    if (options.fit && model.own) {
      try {
        fitted = fitTail(images, model.own.model.modelId, imagesDir, new Date());
      } catch (err) {
        if (err instanceof TailFitError) throw new CliError(`cannot fit a tail on ${imagesDir}: ${err.message}`);
        throw err;
      }
      writeTailFile(model.own.tailFile, fitted);
    }
    const tailFile = fitted && model.own?.tailFile;
    // With a fresh fit, the operating point is the one the server will use with it.
    const rule = fitted
      ? matchRuleForModel({ ...model, tail: fitted }, configuredThreshold, configOf(app).get('MATCH_FALSE_NAME_RATE', { infer: true }))
      : recognition.matchRule;
    const serverPolicy = recognition.policyForGallery(split.gallery.length, rule);
    const policy: MatchPolicy = { threshold: options.threshold ?? serverPolicy.threshold, margin: options.margin ?? serverPolicy.margin };
    const tail = fitImpostorTail(differentPersonSimilarities(images));
    const scores = scoreProbes(split);
    const metrics = evaluateAt(scores, policy);
    // The operating point is always one of the rows, so the table can be read against it.
    const thresholds = [...new Set([...thresholdRange(...options.sweep), policy.threshold])].sort((x, y) => x - y);
    const sweep = sweepThresholds(scores, thresholds, policy.margin);
    const missed = images.filter((i) => !i.embedding).length;
    const unreadable = [...embedded.values()].flatMap((e) => (e.problem ? [e.problem] : []));
    const timing = summarise([...embedded.values()].map((e) => e.ms));

    if (options.json) {
      printJson({
        engine: recognition.engine.engine,
        modelId: recognition.engine.modelId,
        photos: images.length,
        people: people.length,
        facesMissed: missed,
        unreadable,
        enrollPerPerson: options.enrollPerPerson,
        enrolledPeople: split.enrolledPeople,
        galleryPhotos: split.gallery.length,
        knownProbes: metrics.knownProbes,
        strangerPeople: split.strangerPeople,
        strangerProbes: metrics.strangerProbes,
        policy,
        impostorTail: tail && { at1Percent: round(tail.at1Percent, 4), decay: round(tail.decay, 4), pairs: tail.pairs },
        tailFile,
        counts: { ...metrics, rates: undefined },
        rates: Object.fromEntries(Object.entries(metrics.rates).map(([k, v]) => [k, round(v)])),
        sweep: sweep.map((row) => ({
          threshold: row.threshold,
          knownNamedRight: row.knownNamedRight,
          wrongName: row.wrongName,
          strangersNamed: row.strangersNamed,
          rates: Object.fromEntries(Object.entries(row.rates).map(([k, v]) => [k, round(v)])),
        })),
        msPerImage: { median: round(timing.median, 1), p95: round(timing.p95, 1) },
        machine: load,
      });
      return;
    }

    const { engine, modelId } = recognition.engine;
    console.log(`engine ${engine} (${modelId}); ${images.length} photos of ${people.length} people, faces missed in ${missed}`);
    for (const problem of unreadable) console.log(`  unreadable: ${problem}`);
    console.log(
      `gallery (in memory, no database): ${split.enrolledPeople} people, ${split.gallery.length} photo(s) ` +
        `(the first ${options.enrollPerPerson} with a face of everyone with more than ${options.enrollPerPerson})`,
    );
    console.log(
      `probes: ${metrics.knownProbes} other photos of enrolled people (known${metrics.knownMissed ? `, ${metrics.knownMissed} without a face` : ''}), ` +
        `${metrics.strangerProbes} photos of ${split.strangerPeople} people not enrolled (strangers${metrics.strangersMissed ? `, ${metrics.strangersMissed} without a face` : ''})`,
    );
    const why = options.threshold === undefined ? ` (the server's for ${split.gallery.length} enrolled vectors)` : '';
    console.log(`\nat threshold ${policy.threshold}${why}, margin ${policy.margin}:`);
    const line = (label: string, value: string) => console.log(`  ${label.padEnd(54)} ${value}`);
    line('rank-1 identification (best person right, any score)', ratio(metrics.rank1, metrics.knownProbes));
    line('known probes named right', ratio(metrics.knownNamedRight, metrics.knownProbes));
    line('known probes named as someone else (wrong name)', ratio(metrics.wrongName, metrics.knownProbes));
    line('known probes left Unknown', ratio(metrics.knownUnknown, metrics.knownProbes));
    line('strangers named', ratio(metrics.strangersNamed, metrics.strangerProbes));
    console.log(`\nthreshold sweep (margin ${policy.margin}):`);
    const cell = (rate: number, n: number) => `${pct(rate)} (${n})`.padStart(16);
    console.log(`  threshold ${'known named right'.padStart(18)} ${'wrong name'.padStart(16)} ${'strangers named'.padStart(16)}`);
    for (const row of sweep) {
      const mark = Math.abs(row.threshold - policy.threshold) < 1e-9 ? '  <- operating point' : '';
      console.log(
        `  ${fixed(row.threshold, 2).padStart(9)} ${cell(row.rates.knownNamedRight, row.knownNamedRight).padStart(18)} ` +
          `${cell(row.rates.wrongName, row.wrongName)} ${cell(row.rates.strangersNamed, row.strangersNamed)}${mark}`,
      );
    }
    console.log(
      tail
        ? `\ndifferent-person tail (${tail.pairs} pairs): 1 % of pairs reach ${fixed(tail.at1Percent, 4)}, +${fixed(tail.decay, 4)} per factor e fewer`
        : `\ndifferent-person tail: too few pairs to fit`,
    );
    if (fitted) console.log(`fitted tail of ${fitted.modelId} written to ${tailFile}: the server uses it at its next start`);
    console.log(
      `time per image (decode + detect + embed): median ${fixed(timing.median, 1)} ms, p95 ${fixed(timing.p95, 1)} ms ` +
        `(${load.cores} cores, load average ${load.loadAvg1m} at start)`,
    );
  });
}

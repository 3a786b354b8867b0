/**
 * What naming faces needs to know about the embedding model in use: its different-person tail
 * (built in for the bundled models, fitted and kept in `<model>.tail.json` for a model of your
 * own) and the rule that follows from it and the settings. A model of your own with no tail and
 * no fixed MATCH_THRESHOLD cannot name anyone safely, so the server refuses to start with it.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { EngineName } from '../face.types';
import type { ImpostorTail, ThresholdRule } from '../matching/open-set-threshold';
import { tailFromFile, tailRecordJson, type TailRecord } from '../matching/tail-fit';
import type { EmbeddingModelSpec } from './embedding-model';
import { ENGINE_MATCH_DEFAULTS } from './engine-defaults';

export interface ModelMatch {
  /** The embedding space's different-person tail; null for a model of your own not fitted yet. */
  tail: ImpostorTail | null;
  margin: number;
  /** Where the tail comes from, for the log. */
  source: string;
  /** A model of your own (EMBEDDING_MODEL) and where its tail is kept. */
  own?: { model: EmbeddingModelSpec; tailFile: string };
}

/** The model of your own has neither a fitted tail nor a fixed MATCH_THRESHOLD. */
export class UnfittedModelError extends Error {}

export function builtInModelMatch(engine: EngineName): ModelMatch {
  const { impostorTail, margin } = ENGINE_MATCH_DEFAULTS[engine];
  return { tail: impostorTail, margin, source: `built in for ${engine}` };
}

/** Reads the model's tail file; a missing file means "not fitted yet", a wrong one throws (TailFileError). */
export function ownModelMatch(model: EmbeddingModelSpec, tailFile: string): ModelMatch {
  // The lead over the runner-up that the bundled model uses: measured there, a sane default for cosine spaces.
  const { margin } = ENGINE_MATCH_DEFAULTS['yunet-edgeface'];
  const own = { model, tailFile };
  let text: string;
  try {
    text = readFileSync(tailFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { tail: null, margin, source: `none yet (${tailFile})`, own };
    throw err;
  }
  const record = tailFromFile(text, tailFile, model.modelId);
  const tail = { at1Percent: record.at1Percent, decay: record.decay };
  return { tail, margin, source: `${tailFile} (fitted on ${record.fittedOn}, ${record.pairs} pairs)`, own };
}

/** How to fit a tail for the model (for messages). */
export function fitHint(match: ModelMatch): string {
  const where = match.own ? ` (written to ${match.own.tailFile})` : '';
  return `fit one with \`npm run cli -- identify <folder of labelled photos, one folder per person> --fit\`${where}, e.g. on LFW, or set a fixed MATCH_THRESHOLD`;
}

/**
 * The threshold rule: fixed when MATCH_THRESHOLD is set, else the open-set rule on the model's
 * tail. With neither, UnfittedModelError, unless `allowUnfitted` (the CLI's evaluation commands,
 * which choose their own thresholds): then a rule that names nobody.
 */
export function matchRuleForModel(match: ModelMatch, fixedThreshold: number | undefined, falseNameRate: number, allowUnfitted = false): ThresholdRule {
  const { tail, margin } = match;
  if (fixedThreshold !== undefined) return { kind: 'fixed', threshold: fixedThreshold, margin };
  if (tail) return { kind: 'open-set', tail, falseNameRate, margin };
  if (allowUnfitted) return { kind: 'fixed', threshold: 1, margin };
  const model = match.own ? `EMBEDDING_MODEL=${match.own.model.path} (model ${match.own.model.modelId})` : 'the embedding model';
  throw new UnfittedModelError(
    `${model} has no fitted different-person tail and MATCH_THRESHOLD is not set, so no safe threshold is known for it: ${fitHint(match)}`,
  );
}

/** Writes the tail file whole or not at all (a reader never sees half a file). */
export function writeTailFile(file: string, record: TailRecord): void {
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, tailRecordJson(record));
  renameSync(partial, file);
}

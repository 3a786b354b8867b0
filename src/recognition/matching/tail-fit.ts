/**
 * Fitting an embedding model's different-person tail on a labelled photo folder, and the file
 * that keeps it next to the model (`<model>.tail.json`). Pure: the caller reads and writes files.
 * The fit itself is the one that measured the built-in tails (open-set-threshold.ts).
 */
import { differentPersonSimilarities, type LabelledImage } from '../evaluation/identification';
import { fitImpostorTail, MIN_TAIL_PAIRS, type ImpostorTail } from './open-set-threshold';

/** What `<model>.tail.json` holds. */
export interface TailRecord extends ImpostorTail {
  /** The model the tail was measured on (embedding-model.ts): a tail never applies to another model. */
  modelId: string;
  /** Different-person pairs, people and photos with a face it was fitted on. */
  pairs: number;
  people: number;
  photos: number;
  /** The labelled folder it was fitted on, and when (ISO 8601). */
  fittedOn: string;
  fittedAt: string;
}

/** The photos cannot give a usable tail. */
export class TailFitError extends Error {}

/** A tail file that cannot be used for this model. */
export class TailFileError extends Error {}

/** Fits the tail on every pair of photos of two different people; throws TailFitError when they cannot give one. */
export function fitTail(images: readonly LabelledImage[], modelId: string, fittedOn: string, now: Date): TailRecord {
  const withFace = images.filter((image) => image.embedding !== null);
  const people = new Set(withFace.map((image) => image.identity)).size;
  const fit = fitImpostorTail(differentPersonSimilarities(withFace));
  if (!fit) {
    throw new TailFitError(
      `${withFace.length} photos with a face of ${people} people give too few different-person pairs: at least ${MIN_TAIL_PAIRS} are needed (e.g. 100 photos of 20 or more people; LFW's fold 1 gives 324,000)`,
    );
  }
  // A tail that does not fall (every factor fewer pairs adds nothing) cannot tell strangers apart.
  if (!(fit.decay > 0) || !(fit.at1Percent > -1 && fit.at1Percent < 1)) {
    throw new TailFitError(`the similarities do not form a usable tail (1 % point ${fit.at1Percent}, decay ${fit.decay}): is the folder labelled, one person per folder?`);
  }
  return { modelId, at1Percent: round(fit.at1Percent), decay: round(fit.decay), pairs: fit.pairs, people, photos: withFace.length, fittedOn, fittedAt: now.toISOString() };
}

export function tailRecordJson(record: TailRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** The tail in a tail file's text, checked against the model it is for; TailFileError says what is wrong. */
export function tailFromFile(text: string, file: string, modelId: string): TailRecord {
  let record: Partial<TailRecord>;
  try {
    record = JSON.parse(text) as Partial<TailRecord>;
  } catch (err) {
    throw new TailFileError(`${file} is not JSON (${(err as Error).message}); fit it again`);
  }
  const number = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (!record || typeof record !== 'object' || !number(record.at1Percent) || !number(record.decay) || !(record.decay > 0)) {
    throw new TailFileError(`${file} holds no tail (at1Percent, decay > 0); fit it again`);
  }
  if (record.modelId !== modelId) {
    throw new TailFileError(`${file} was fitted for model ${JSON.stringify(record.modelId)}, but EMBEDDING_MODEL is now ${modelId} (the file or its input settings changed); fit it again`);
  }
  return record as TailRecord;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/**
 * Pure pieces of open-set identification evaluation: a folder of photos of many people is
 * split into a gallery (the first photo(s) of everyone with enough photos) and probes (their
 * other photos, the "known" probes, plus every photo of the people left out, the
 * "strangers"); each probe is matched against the gallery with the server's rule (best
 * person's similarity >= threshold AND a lead of >= margin over the runner-up person), and
 * the outcome is counted at one operating point or over a sweep of thresholds.
 */
import { Gallery } from '../matching/gallery';
import type { MatchPolicy } from '../matching/matcher';
import { dot } from '../matching/similarity';

/** One photo of a labelled set, with the embedding of its subject's face (null when no face was found). */
export interface LabelledImage {
  identity: string;
  /** The photo's path or name, for reports. Photos of one identity are taken in this order. */
  image: string;
  embedding: Float32Array | null;
}

export interface OpenSetSplit {
  /** Enrolled photos (all have an embedding). */
  gallery: LabelledImage[];
  /** Other photos of enrolled people. */
  known: LabelledImage[];
  /** Every photo of the people who are not enrolled. */
  strangers: LabelledImage[];
  /** Number of people enrolled. */
  enrolledPeople: number;
  /** Number of people among the strangers. */
  strangerPeople: number;
}

/**
 * Splits photos into gallery and probes. A person with more than `enrollPerPerson` photos is
 * enrolled with their first `enrollPerPerson` photos that have a face (in image order) and
 * probed with all the others; everyone else (too few photos, or no face in any photo that
 * could be enrolled) is a stranger, probed with every photo.
 */
export function splitOpenSet(images: readonly LabelledImage[], enrollPerPerson = 1): OpenSetSplit {
  if (!Number.isInteger(enrollPerPerson) || enrollPerPerson < 1) throw new Error('enrollPerPerson must be an integer >= 1');
  const byIdentity = new Map<string, LabelledImage[]>();
  for (const image of images) {
    const list = byIdentity.get(image.identity) ?? [];
    list.push(image);
    byIdentity.set(image.identity, list);
  }
  const split: OpenSetSplit = { gallery: [], known: [], strangers: [], enrolledPeople: 0, strangerPeople: 0 };
  for (const identity of [...byIdentity.keys()].sort()) {
    const photos = [...byIdentity.get(identity)!].sort((a, b) => compareStrings(a.image, b.image));
    const enrolled = photos.length > enrollPerPerson ? photos.filter((p) => p.embedding).slice(0, enrollPerPerson) : [];
    if (enrolled.length === 0) {
      split.strangers.push(...photos);
      split.strangerPeople++;
      continue;
    }
    split.gallery.push(...enrolled);
    split.known.push(...photos.filter((p) => !enrolled.includes(p)));
    split.enrolledPeople++;
  }
  return split;
}

/** A probe with its two best people in the gallery (each person scored by their best sample). */
export interface ProbeScore {
  identity: string;
  image: string;
  /** Whether the probe's identity is enrolled. */
  known: boolean;
  /** False when no face was found in the probe: it can only come out as Unknown. */
  hasFace: boolean;
  best?: { identity: string; similarity: number };
  /** Similarity of the runner-up person, undefined with fewer than two people enrolled. */
  secondSimilarity?: number;
}

/** Matches every probe (known, then strangers) against a gallery of the split's enrolled photos. */
export function scoreProbes(split: OpenSetSplit): ProbeScore[] {
  const dimension = split.gallery[0]?.embedding?.length;
  const identities: string[] = [];
  const personIdOf = new Map<string, number>();
  const gallery = dimension === undefined ? undefined : new Gallery(dimension, Math.max(1, split.gallery.length));
  split.gallery.forEach((image, sampleId) => {
    if (!image.embedding) throw new Error(`gallery photo ${image.image} has no embedding`);
    let personId = personIdOf.get(image.identity);
    if (personId === undefined) {
      personId = identities.push(image.identity) - 1;
      personIdOf.set(image.identity, personId);
    }
    gallery!.add({ sampleId, personId, embedding: image.embedding });
  });
  const enrolled = new Set(identities);
  const score = (probe: LabelledImage): ProbeScore => {
    const base = { identity: probe.identity, image: probe.image, known: enrolled.has(probe.identity), hasFace: probe.embedding !== null };
    if (!probe.embedding || !gallery) return base;
    const [best, second] = gallery.topPeople(probe.embedding, 2);
    if (!best) return base;
    return {
      ...base,
      best: { identity: identities[best.personId], similarity: best.similarity },
      secondSimilarity: second?.similarity,
    };
  };
  return [...split.known, ...split.strangers].map(score);
}

/** The name a probe gets under a policy, or null for Unknown: the rule of matching/matcher.ts. */
export function decide(probe: ProbeScore, policy: MatchPolicy): string | null {
  if (!probe.best) return null;
  const lead = probe.secondSimilarity === undefined ? Infinity : probe.best.similarity - probe.secondSimilarity;
  return probe.best.similarity >= policy.threshold && lead >= policy.margin ? probe.best.identity : null;
}

export interface IdentificationMetrics {
  knownProbes: number;
  strangerProbes: number;
  /** Probes in which no face was found (known / strangers); they count as Unknown. */
  knownMissed: number;
  strangersMissed: number;
  /** Known probes whose best person is right, whatever the threshold. */
  rank1: number;
  /** Known probes named, and named right. */
  knownNamedRight: number;
  /** Known probes named as someone else. */
  wrongName: number;
  /** Known probes left Unknown (including missed faces). */
  knownUnknown: number;
  /** Strangers named as anyone. */
  strangersNamed: number;
  /** The same as fractions of known probes / stranger probes (NaN when there are none). */
  rates: { rank1: number; knownNamedRight: number; wrongName: number; knownUnknown: number; strangersNamed: number };
}

/** Counts the outcomes of every probe at one operating point. */
export function evaluateAt(scores: readonly ProbeScore[], policy: MatchPolicy): IdentificationMetrics {
  const m = { knownProbes: 0, strangerProbes: 0, knownMissed: 0, strangersMissed: 0, rank1: 0, knownNamedRight: 0, wrongName: 0, knownUnknown: 0, strangersNamed: 0 };
  for (const probe of scores) {
    const name = decide(probe, policy);
    if (probe.known) {
      m.knownProbes++;
      if (!probe.hasFace) m.knownMissed++;
      if (probe.best?.identity === probe.identity) m.rank1++;
      if (name === null) m.knownUnknown++;
      else if (name === probe.identity) m.knownNamedRight++;
      else m.wrongName++;
    } else {
      m.strangerProbes++;
      if (!probe.hasFace) m.strangersMissed++;
      if (name !== null) m.strangersNamed++;
    }
  }
  const ofKnown = (n: number) => (m.knownProbes ? n / m.knownProbes : NaN);
  return {
    ...m,
    rates: {
      rank1: ofKnown(m.rank1),
      knownNamedRight: ofKnown(m.knownNamedRight),
      wrongName: ofKnown(m.wrongName),
      knownUnknown: ofKnown(m.knownUnknown),
      strangersNamed: m.strangerProbes ? m.strangersNamed / m.strangerProbes : NaN,
    },
  };
}

export interface SweepRow {
  threshold: number;
  knownNamedRight: number;
  wrongName: number;
  strangersNamed: number;
  /** As fractions, see IdentificationMetrics.rates. */
  rates: { knownNamedRight: number; wrongName: number; strangersNamed: number };
}

/** The outcome at each threshold (same margin), to choose an operating point. */
export function sweepThresholds(scores: readonly ProbeScore[], thresholds: readonly number[], margin: number): SweepRow[] {
  return thresholds.map((threshold) => {
    const m = evaluateAt(scores, { threshold, margin });
    return {
      threshold,
      knownNamedRight: m.knownNamedRight,
      wrongName: m.wrongName,
      strangersNamed: m.strangersNamed,
      rates: { knownNamedRight: m.rates.knownNamedRight, wrongName: m.rates.wrongName, strangersNamed: m.rates.strangersNamed },
    };
  });
}

/** from, from+step, ... up to `to` inclusive, rounded to 1e-6 so 0.2 + 5·0.02 prints as 0.3. */
export function thresholdRange(from: number, to: number, step: number): number[] {
  if (!(step > 0)) throw new Error('step must be positive');
  if (to < from) throw new Error('the range ends before it starts');
  const values: number[] = [];
  for (let i = 0; ; i++) {
    const value = Math.round((from + i * step) * 1e6) / 1e6;
    if (value > to + 1e-9) break;
    values.push(value);
  }
  return values;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Similarities of every pair of photos of two different people (photos without a face are
 * skipped): the raw material for fitting an engine's impostor tail (open-set-threshold.ts).
 */
export function differentPersonSimilarities(images: readonly LabelledImage[]): Float32Array {
  const withFace = images.filter((i): i is LabelledImage & { embedding: Float32Array } => i.embedding !== null);
  const out: number[] = [];
  for (let i = 0; i < withFace.length; i++) {
    const a = withFace[i].embedding;
    for (let j = i + 1; j < withFace.length; j++) {
      if (withFace[j].identity === withFace[i].identity) continue;
      out.push(dot(a, withFace[j].embedding));
    }
  }
  return Float32Array.from(out);
}

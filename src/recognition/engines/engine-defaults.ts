import type { EngineName } from '../face.types';
import type { ImpostorTail, ThresholdRule } from '../matching/open-set-threshold';

export interface EngineMatchDefaults {
  /** Each embedding space has its own similarity scale: where its different-person pairs end. */
  impostorTail: ImpostorTail;
  /** How far the best person must lead the runner-up to be named. */
  margin: number;
}

/**
 * Measured per engine with `npm run cli -- identify <LFW fold 1 images>` (its "different-person
 * tail" line: all 324k pairs of photos of two different people). How they are used is in the
 * README ("Naming faces: the open-set threshold").
 */
export const ENGINE_MATCH_DEFAULTS: Record<EngineName, EngineMatchDefaults> = {
  // Held-out check: fitted on half of the fold's people, the other half's threshold named 0.8-1.4 % of strangers.
  'yunet-edgeface': { impostorTail: { at1Percent: 0.191, decay: 0.0307 }, margin: 0.05 },
  human: { impostorTail: { at1Percent: 0.588, decay: 0.0246 }, margin: 0.05 },
};

/** The threshold rule for an engine's bundled model: fixed when configured, else the open-set rule with the engine's tail (model-match.ts: any model). */
export function matchRuleFor(engine: EngineName, fixedThreshold: number | undefined, falseNameRate: number): ThresholdRule {
  const { impostorTail, margin } = ENGINE_MATCH_DEFAULTS[engine];
  if (fixedThreshold !== undefined) return { kind: 'fixed', threshold: fixedThreshold, margin };
  return { kind: 'open-set', tail: impostorTail, falseNameRate, margin };
}

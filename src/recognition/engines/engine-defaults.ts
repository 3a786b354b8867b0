import type { EngineName } from '../face.types';
import type { MatchPolicy } from '../matching/matcher';

/**
 * Match policy per engine: each embedding space has its own similarity scale.
 * How these numbers were measured is in the README ("Choosing the thresholds").
 */
export const ENGINE_MATCH_DEFAULTS: Record<EngineName, MatchPolicy> = {
  'yunet-edgeface': { threshold: 0.4, margin: 0.05 },
  human: { threshold: 0.5, margin: 0.05 },
};

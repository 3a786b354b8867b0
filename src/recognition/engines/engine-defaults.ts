import type { EngineName } from '../face.types';
import type { MatchPolicy } from '../matching/matcher';

/**
 * Match policy per engine: each embedding space has its own similarity scale.
 * How these numbers were measured is in the README ("Choosing the thresholds").
 */
export const ENGINE_MATCH_DEFAULTS: Record<EngineName, MatchPolicy> = {
  // 0.30: 0.03 % of LFW fold-1 different-person pairs reach it (the 0.1 % point, 0.26, named 3/96 people-set strangers; 0.30: 0/96, 80/80 known).
  'yunet-edgeface': { threshold: 0.3, margin: 0.05 },
  // 0.60: 0.6 % of LFW fold-1 different-person pairs reach it; the 0.1 % point (0.65) names only 71 % of the people set (0.60: 79 %, and 15 % of strangers).
  human: { threshold: 0.6, margin: 0.05 },
};

/** Face tracking between recognitions: pure, no Nest, no I/O (see tracker.ts for the per-frame calls). */
export { counterFrom, FaceTracker } from './tracker';
export type { EmbedReason, EmbeddingDecision, FrameContext, TrackerUpdate, TrackInput, TrackView } from './tracker';
export type { IdentityChangeSign } from './identity-change';
export type { IdentityDecision, IdentityStatus, Recognition } from './identity-vote';
export { DEFAULT_TRACKER_OPTIONS, resolveTrackerOptions } from './options';
export type { TrackerConfig, TrackerOptions } from './options';
export { isPoorView, DEFAULT_QUALITY_OPTIONS } from './quality';
export type { QualityOptions } from './quality';

import type { DetectedFace } from '../../recognition/face.types';
import { UNKNOWN } from '../../recognition/matching/matcher';
import type { RecognizedFace } from '../../recognition/recognition.service';
import type { TrackView } from '../../tracking';

/**
 * A tracked face as viewers see it. Names come from the gallery at this moment (`nameOf`), so a
 * rename shows at once and a deleted person is Unknown at once, whatever the track's past votes.
 */
export function presentFace(view: TrackView, nameOf: (personId: number) => string | undefined, detected?: DetectedFace): RecognizedFace {
  const name = view.personId === null ? undefined : nameOf(view.personId);
  const known = name !== undefined;
  return {
    trackId: view.trackId,
    box: view.box,
    landmarks: detected?.landmarks ?? [],
    score: detected?.score ?? 0,
    personId: known ? view.personId : null,
    name: known ? name : UNKNOWN,
    similarity: view.similarity,
    confidence: known || view.personId === null ? view.confidence : 0,
  };
}

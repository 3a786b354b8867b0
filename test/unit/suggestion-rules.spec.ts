/** Which recognised views become suggested samples, samples outright, or nothing (suggestion-rules.ts, pure). */
import { DEFAULT_SUGGESTION_POLICY, judgeView, nearDuplicate, nearestSimilarity, RecognisedView } from '../../src/people/suggestions/suggestion-rules';

const GOOD = { size: 1, sharpness: 1, pose: 0.9, overall: 0.9 };
const view = (over: Partial<RecognisedView> = {}): RecognisedView => ({ quality: GOOD, similarity: 0.45, runnerUp: 0.1, threshold: 0.23, samples: 1, similarityToRejected: null, ...over });
const AUTO = { ...DEFAULT_SUGGESTION_POLICY, autoAdd: { ...DEFAULT_SUGGESTION_POLICY.autoAdd, enabled: true } };

describe('judgeView', () => {
  it('suggests a good view unlike every sample', () => {
    expect(judgeView(view())).toEqual({ kind: 'suggest' });
  });

  it('ignores a poor view, one like a sample, and a face below the threshold', () => {
    expect(judgeView(view({ quality: { ...GOOD, pose: 0.3, overall: 0.3 } }))).toEqual({ kind: 'ignore', reason: 'quality' });
    expect(judgeView(view({ similarity: DEFAULT_SUGGESTION_POLICY.maxSimilarityToSamples }))).toEqual({ kind: 'ignore', reason: 'like-a-sample' });
    expect(judgeView(view({ similarity: 0.2 }))).toEqual({ kind: 'ignore', reason: 'not-named' });
  });

  it('adds without a click only when AUTO_ADD_SAMPLES is on and every margin is wide', () => {
    expect(judgeView(view())).toEqual({ kind: 'suggest' }); // off by default
    expect(judgeView(view(), AUTO)).toEqual({ kind: 'add' });
    expect(judgeView(view({ runnerUp: null }), AUTO)).toEqual({ kind: 'add' });
    // Each condition alone keeps it a suggestion.
    expect(judgeView(view({ similarity: 0.23 + 0.14 }), AUTO)).toEqual({ kind: 'suggest' }); // too close to the threshold
    expect(judgeView(view({ runnerUp: 0.35 }), AUTO)).toEqual({ kind: 'suggest' }); // too close to someone else
    expect(judgeView(view({ quality: { ...GOOD, overall: 0.7 } }), AUTO)).toEqual({ kind: 'suggest' }); // below the auto quality gate
    expect(judgeView(view({ samples: AUTO.autoAdd.maxSamples }), AUTO)).toEqual({ kind: 'suggest' }); // the cap
  });

  it('never suggests nor adds a view as like a rejected one as the policy says, even with every margin wide', () => {
    const line = DEFAULT_SUGGESTION_POLICY.maxSimilarityToRejected;
    expect(judgeView(view({ similarityToRejected: line }))).toEqual({ kind: 'ignore', reason: 'rejected' });
    expect(judgeView(view({ similarityToRejected: 0.97 }), AUTO)).toEqual({ kind: 'ignore', reason: 'rejected' });
    // Another view of the person (under the line) still comes.
    expect(judgeView(view({ similarityToRejected: line - 0.01 }))).toEqual({ kind: 'suggest' });
    expect(judgeView(view({ similarityToRejected: line - 0.01 }), AUTO)).toEqual({ kind: 'add' });
    // A face not named after the person is ignored as such first.
    expect(judgeView(view({ similarity: 0.2, similarityToRejected: 0.99 }))).toEqual({ kind: 'ignore', reason: 'not-named' });
  });
});

describe('nearestSimilarity', () => {
  it('is the best similarity among vectors of the same size, null when there is none', () => {
    const kept = [{ embedding: new Float32Array([1, 0]) }, { embedding: new Float32Array([0.8, 0.6]) }, { embedding: new Float32Array([0, 1, 0]) }];
    expect(nearestSimilarity(new Float32Array([0.6, 0.8]), kept)).toBeCloseTo(0.96, 6);
    expect(nearestSimilarity(new Float32Array([0, 1]), kept)).toBeCloseTo(0.6, 6);
    expect(nearestSimilarity(new Float32Array([1, 0, 0, 0]), kept)).toBeNull();
    expect(nearestSimilarity(new Float32Array([1, 0]), [])).toBeNull();
  });
});

describe('nearDuplicate', () => {
  it('finds the most similar kept view at or above the bound, skipping vectors of another size', () => {
    const kept = [{ id: 1, embedding: new Float32Array([1, 0]) }, { id: 2, embedding: new Float32Array([0.8, 0.6]) }, { id: 3, embedding: new Float32Array([1, 0, 0]) }];
    expect(nearDuplicate(new Float32Array([0.6, 0.8]), kept, 0.9)?.id).toBe(2);
    expect(nearDuplicate(new Float32Array([0, 1]), kept, 0.9)).toBeUndefined();
  });
});

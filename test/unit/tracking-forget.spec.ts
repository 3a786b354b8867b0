import { landmarksOf } from '../support/tracking-fixtures';
import { FaceTracker, Recognition, TrackInput } from '../../src/tracking';

const STRANGER: Recognition = { personId: null, name: 'Unknown', similarity: 0.12 };
const TONY: Recognition = { personId: 7, name: 'Tony', similarity: 0.61 };

const face = (frame: number, recognition?: Recognition): TrackInput => {
  const box = { x: 100 + frame, y: 100, width: 120, height: 140 };
  return { box, landmarks: landmarksOf(box), score: 0.9, recognition };
};

describe('FaceTracker.forgetIdentities (the people library changed)', () => {
  it('makes a settled Unknown track ask for an embedding at once and take the new name from one view', () => {
    const tracker = new FaceTracker({ matchThreshold: 0.3 });
    let frame = 0;
    for (; frame < 40; frame += 2) tracker.update(frame, [face(frame, STRANGER)]);
    expect(tracker.boxesAt(frame)[0]).toMatchObject({ name: 'Unknown', status: 'unknown' });
    expect(tracker.planEmbeddings(frame, [face(frame)])[0]).toMatchObject({ embed: false, reason: 'reuse' });

    tracker.forgetIdentities();
    const [decision] = tracker.planEmbeddings(frame, [face(frame)]);
    expect(decision.embed).toBe(true);
    expect(decision.trackId).toBe(tracker.boxesAt(frame)[0].trackId); // same track: the box carries on
    tracker.update(frame, [face(frame, TONY)]);
    expect(tracker.boxesAt(frame)[0]).toMatchObject({ name: 'Tony', personId: 7 });
  });
});

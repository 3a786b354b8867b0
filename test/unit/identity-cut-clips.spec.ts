import { CUT_CLIP, cutClipArgs, cutGroundTruth, oldNameAfterChange, standardCutClips, tileAt } from '../../src/bench/identity-cut-clips';
import type { PredictedFace, XYWH } from '../../src/bench/scoring';

const { clips, enroll } = standardCutClips('/data/people');
const [cut, swap, walk] = clips;
const face = (name: string, tile: XYWH): PredictedFace => ({ name, box: [tile[0] + 40, tile[1] + 40, 120, 120], similarity: 0.5 });

describe('identity cut clips', () => {
  it('enrolls A and B from photo 1 and shows photo 2; the stranger is not enrolled', () => {
    expect(enroll.map((p) => p.photo)).toEqual(['/data/people/Gordon_Brown/Gordon_Brown_0001.jpg', '/data/people/Lance_Armstrong/Lance_Armstrong_0001.jpg']);
    expect(cut.before.photo).toBe('/data/people/Gordon_Brown/Gordon_Brown_0002.jpg');
    expect([cut.after.enrolled, swap.after.enrolled, walk.after.enrolled]).toEqual([false, true, false]);
  });

  it('puts the newcomer exactly where A was (standing) or would have been (walking)', () => {
    expect(tileAt('scene-cut', 0)).toEqual(tileAt('scene-cut', 99));
    expect(tileAt('walk-in', CUT_CLIP.changeFrame)[0] - tileAt('walk-in', CUT_CLIP.changeFrame - 1)[0]).toBe(5);
    const truth = cutGroundTruth(walk);
    expect(truth.frames).toHaveLength(CUT_CLIP.frames);
    expect(truth.frames[CUT_CLIP.changeFrame - 1].faces[0]).toMatchObject({ identity: 'Gordon_Brown', enrolled: true });
    expect(truth.frames[CUT_CLIP.changeFrame].faces[0]).toMatchObject({ identity: 'Tom_Ridge', enrolled: false, tile_box: tileAt('walk-in', CUT_CLIP.changeFrame) });
  });

  it('cuts the background only in the scene-cut clip', () => {
    expect(cutClipArgs(cut, 'demo.mp4', 'out.mp4').join(' ')).toContain('hflip');
    expect(cutClipArgs(swap, 'demo.mp4', 'out.mp4').join(' ')).not.toContain('hflip');
  });

  it('counts the frames from the change on that still show the old name on the newcomer, and which were recognised', () => {
    const truth = cutGroundTruth(swap);
    const tile = tileAt('face-swap', 0);
    const predictions = new Map<number, PredictedFace[]>([
      [CUT_CLIP.changeFrame - 1, [face('Gordon Brown', tile)]], // before the change: right
      [CUT_CLIP.changeFrame, [face('Gordon Brown', tile)]],
      [CUT_CLIP.changeFrame + 1, [face('Gordon_Brown', tile)]],
      [CUT_CLIP.changeFrame + 2, [face('Lance_Armstrong', tile)]],
      [CUT_CLIP.changeFrame + 3, [face('Gordon_Brown', [900, 100, 220, 220])]], // elsewhere: not on the newcomer
    ]);
    expect(oldNameAfterChange(truth, predictions, 'Gordon_Brown', 2)).toEqual({ frames: [51, 52], recognisedFrames: [52] });
  });
});

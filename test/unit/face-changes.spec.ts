import { FaceChangeBook, TrackedFace } from '../../src/live/face-changes';

const box = { x: 10.4, y: 20.6, width: 100, height: 120 };
const face = (trackId: number, personId: number | null, name = personId === null ? 'Unknown' : `P${personId}`): TrackedFace => ({
  trackId,
  personId,
  name,
  confidence: 97.24,
  similarity: 0.71234,
  box,
});

describe('FaceChangeBook', () => {
  it('announces a face when it is named, a change of person as a rename, and a named face gone as left', () => {
    const book = new FaceChangeBook(2000);
    expect(book.observe('door', 0, [face(1, null)])).toEqual([]);
    const named = book.observe('door', 100, [face(1, 3)]);
    expect(named).toEqual([
      { type: 'recognised', camera: 'door', trackId: 1, personId: 3, name: 'P3', confidence: 97.2, similarity: 0.712, box: { x: 10, y: 21, width: 100, height: 120 }, at: new Date(100).toISOString() },
    ]);
    expect(book.observe('door', 200, [face(1, 3)])).toEqual([]);
    const renamed = book.observe('door', 300, [face(1, 4)]);
    expect(renamed.map((c) => [c.type, c.name, c.previous])).toEqual([['renamed', 'P4', { personId: 3, name: 'P3' }]]);
    expect(book.observe('door', 1500, [])).toEqual([]);
    const left = book.observe('door', 2300, []);
    expect(left.map((c) => [c.type, c.trackId, c.name])).toEqual([['left', 1, 'P4']]);
    expect(book.tracked).toBe(0);
  });

  it('names a face seen named from its first frame at once; unknown faces that leave say nothing', () => {
    const book = new FaceChangeBook(1000);
    expect(book.observe('a', 0, [face(1, 5), face(2, null)]).map((c) => [c.type, c.trackId])).toEqual([['recognised', 1]]);
    expect(book.expire(5000).map((c) => [c.type, c.trackId])).toEqual([['left', 1]]);
  });

  it('keeps cameras apart: one camera\'s frames never end another camera\'s faces', () => {
    const book = new FaceChangeBook(1000);
    book.observe('a', 0, [face(1, 5)]);
    expect(book.observe('b', 5000, [face(2, 6)]).map((c) => c.type)).toEqual(['recognised']);
    expect(book.expire(5000, 'b')).toEqual([]);
    expect(book.expire(5000).map((c) => [c.type, c.camera])).toEqual([['left', 'a']]);
  });

  it('does not call a rename in the library (same person id) a change', () => {
    const book = new FaceChangeBook(1000);
    book.observe('a', 0, [face(1, 5, 'Ada')]);
    expect(book.observe('a', 100, [face(1, 5, 'Ada Lovelace')])).toEqual([]);
  });
});

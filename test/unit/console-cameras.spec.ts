import type { Camera, LiveFaces } from '../../src/web/client/api';
import {
  cameraHash,
  cameraMeta,
  FacesBook,
  findFigure,
  landingView,
  newCameraBody,
  parseRoute,
  resolveView,
  sortFaces,
  stateBadge,
  statsFigures,
  statsUrl,
  streamsIn,
  tileFaces,
} from '../../src/web/client/cameras-model';

const camera = (name: string, extra: Partial<Camera> = {}): Camera => ({
  name,
  source: `/videos/${name}.mp4`,
  enabled: true,
  overrides: {},
  state: 'live',
  width: 1280,
  height: 720,
  fps: 25,
  viewers: 0,
  faces: [],
  streamUrl: `/cameras/${name}/stream`,
  snapshotUrl: `/cameras/${name}/snapshot.jpg`,
  ...extra,
});

const payload = (names: Array<[string, number | null]>, cameraName?: string): LiveFaces => ({
  camera: cameraName,
  at: '2026-01-01T00:00:00.000Z',
  frameWidth: 1280,
  frameHeight: 720,
  faces: names.map(([name, personId], i) => ({ trackId: i + 1, name, personId, confidence: 90, since: '2026-01-01T00:00:00.000Z', box: [0, 0, 10, 10] })),
});

describe('console routes', () => {
  it('parses the hash', () => {
    expect(parseRoute('')).toEqual({ kind: 'landing' });
    expect(parseRoute('#')).toEqual({ kind: 'landing' });
    expect(parseRoute('#cameras')).toEqual({ kind: 'grid' });
    expect(parseRoute('#/cameras/')).toEqual({ kind: 'grid' });
    expect(parseRoute('#cameras/front')).toEqual({ kind: 'camera', name: 'front' });
    expect(parseRoute(cameraHash('a b/ü'))).toEqual({ kind: 'camera', name: 'a b/ü' });
    expect(parseRoute('#cameras/%E0%A4%A')).toEqual({ kind: 'camera', name: '%E0%A4%A' }); // malformed escape: taken as is
    expect(parseRoute('#live')).toEqual({ kind: 'live' });
    expect(parseRoute('#people')).toEqual({ kind: 'other' });
  });

  it('lands on the grid with several cameras (or none), on the camera page with one', () => {
    expect(landingView([camera('front'), camera('back')])).toEqual({ view: 'grid' });
    expect(landingView([])).toEqual({ view: 'grid' });
    expect(landingView([camera('front')])).toEqual({ view: 'camera', name: 'front' });
  });

  it('resolves routes against the cameras and the view shown now', () => {
    const two = [camera('front'), camera('back')];
    expect(resolveView({ kind: 'camera', name: 'back' }, two, null, null)).toEqual({ view: 'camera', name: 'back' });
    expect(resolveView({ kind: 'camera', name: 'gone' }, two, null, null)).toEqual({ view: 'missing', name: 'gone' });
    expect(resolveView({ kind: 'live' }, two, { view: 'grid' }, 'back')).toEqual({ view: 'camera', name: 'back' });
    expect(resolveView({ kind: 'live' }, two, null, null)).toEqual({ view: 'camera', name: 'front' });
    expect(resolveView({ kind: 'live' }, [], null, null)).toEqual({ view: 'grid' });
    // An anchor further down (#people) leaves the top view as it is…
    expect(resolveView({ kind: 'other' }, two, { view: 'camera', name: 'back' }, 'back')).toEqual({ view: 'camera', name: 'back' });
    expect(resolveView({ kind: 'other' }, two, null, null)).toEqual({ view: 'grid' });
    // …unless the camera shown was removed meanwhile.
    expect(resolveView({ kind: 'other' }, [camera('front')], { view: 'camera', name: 'back' }, 'back')).toEqual({ view: 'camera', name: 'front' });
  });
});

describe('faces per camera', () => {
  it('keeps the latest payload of each camera; one without camera goes to the default', () => {
    const book = new FacesBook(1000);
    expect(book.put(payload([['Serena', 1]], 'front'), 0, 'front')).toBe('front');
    expect(book.put(payload([['Colin', 2]], 'back'), 0, 'front')).toBe('back');
    expect(book.put(payload([['Junichiro', 3]]), 10, 'front')).toBe('front');
    expect(book.get('front', 20)!.faces.map((f) => f.name)).toEqual(['Junichiro']);
    expect(book.get('back', 20)!.faces.map((f) => f.name)).toEqual(['Colin']);
    expect(book.get('side', 20)).toBeUndefined();
    expect(book.cameras().sort()).toEqual(['back', 'front']);
  });

  it('shows nobody once a camera sent nothing for a while, or stopped', () => {
    const book = new FacesBook(1000);
    book.put(payload([['Serena', 1]], 'front'), 0, 'front');
    expect(book.get('front', 1000)!.faces).toHaveLength(1);
    expect(book.get('front', 1001)!.faces).toEqual([]);
    book.clear('front');
    expect(book.has('front')).toBe(false);
  });

  it('lists a tile’s faces: pushed ones first, else those GET /cameras gave; none when not live', () => {
    const book = new FacesBook(1000);
    const listed = camera('front', { faces: [{ trackId: 9, name: 'Colin', personId: 2, confidence: 80 }] });
    expect(tileFaces(book, listed, 0).map((f) => f.name)).toEqual(['Colin']);
    book.put(payload([['Unknown', null], ['Serena', 1], ['Anna', 5]], 'front'), 0, 'front');
    expect(tileFaces(book, listed, 10).map((f) => f.name)).toEqual(['Anna', 'Serena', 'Unknown']);
    expect(tileFaces(book, { ...listed, state: 'reconnecting' }, 10)).toEqual([]);
  });

  it('sorts known people before unknown faces', () => {
    const faces = payload([['Unknown', null], ['Zoe', 4], ['Unknown', null], ['Adam', 2]]).faces;
    expect(sortFaces(faces).map((f) => `${f.name}#${f.trackId}`)).toEqual(['Adam#4', 'Zoe#2', 'Unknown#1', 'Unknown#3']);
  });
});

describe('camera badges, figures and forms', () => {
  it('labels every state, and an unexpected one readably', () => {
    expect(stateBadge('live')).toEqual({ label: 'Live', tone: 'live' });
    expect(stateBadge('reconnecting')).toEqual({ label: 'Reconnecting…', tone: 'down' });
    expect(stateBadge('disabled').tone).toBe('off');
    expect(stateBadge('warming')).toEqual({ label: 'Warming', tone: 'off' });
    expect(streamsIn('live')).toBe(true);
    expect(streamsIn('reconnecting')).toBe(true);
    expect(streamsIn('disabled')).toBe(false);
  });

  it('summarises a camera under its tile', () => {
    expect(cameraMeta(camera('front', { viewers: 1, fps: 24.96 }))).toBe('1280×720 · 25 fps · 1 viewer');
    expect(cameraMeta(camera('front', { width: 0, height: 0, fps: 0 }))).toBe('');
  });

  it('finds the stats next to the stream', () => {
    expect(statsUrl(camera('front'))).toBe('/cameras/front/stats');
    expect(statsUrl({ streamUrl: '/stream' })).toBe('/stream/stats');
    expect(statsUrl({ streamUrl: '/cameras/a%20b/stream?x=1' })).toBe('/cameras/a%20b/stats');
  });

  it('picks figures from stats whatever their nesting, the camera’s own first', () => {
    const stats = {
      camera: { state: 'live', width: 1280, height: 720, fps: 25, framesCaptured: 12345, reconnects: 0, lastError: '' },
      stream: { framesEncoded: 12000, viewers: 2, viewerFramesDropped: 3 },
      memoryMb: { rss: 400.5 },
    };
    expect(findFigure(stats, 'fps')).toBe(25);
    expect(findFigure(stats, 'rss')).toBe(400.5);
    expect(findFigure(stats, 'missing')).toBeUndefined();
    expect(findFigure({ viewers: 1, nested: { viewers: 2 } }, 'viewers')).toBe(1);
    expect(statsFigures(stats)).toEqual([
      { label: 'State', value: 'Live' },
      { label: 'Resolution', value: '1280×720' },
      { label: 'Source fps', value: '25' },
      { label: 'Viewers now', value: '2' },
      { label: 'Frames captured', value: '12,345' },
      { label: 'Frames encoded', value: '12,000' },
      { label: 'Reconnects', value: '0' },
      { label: 'Frames skipped for slow viewers', value: '3' },
    ]);
    expect(statsFigures(null)).toEqual([]);
    expect(statsFigures('nonsense')).toEqual([]);
  });

  it('builds the POST /cameras body, leaving the validation of names and sources to the server', () => {
    expect(newCameraBody({ name: ' side ', source: ' /v.mp4 ', enabled: 'on' })).toEqual({ body: { name: 'side', source: '/v.mp4', enabled: true } });
    expect(newCameraBody({ name: 'Bad Name!', source: '0', enabled: false })).toEqual({ body: { name: 'Bad Name!', source: '0', enabled: false } });
    expect(newCameraBody({ name: '', source: '0' })).toEqual({ error: expect.stringMatching(/name/) });
    expect(newCameraBody({ name: 'x', source: ' ' })).toEqual({ error: expect.stringMatching(/source/) });
  });
});

import { CrossNodeGate, whoIsInView } from '../../src/cluster-events/cross-node-gate';

const FRAME_EVENTS = new Set(['faces', 'recognition']);
const ada = { trackId: 1, name: 'Ada', personId: 7 };
const stranger = { trackId: 2, name: 'Unknown', personId: null };

/** The frames (ms) of one camera at 12 fps that the gate sends on, for `inViewAt(ms)`. */
function forwarded(gate: CrossNodeGate, event: string, durationMs: number, inViewAt: (ms: number) => unknown[]): number[] {
  const sent: number[] = [];
  for (let ms = 0; ms < durationMs; ms += 83) if (gate.forwards(event, { camera: 'door', faces: inViewAt(ms) }, ms)) sent.push(ms);
  return sent;
}

describe('CrossNodeGate', () => {
  it('sends every change event on, whatever the rate', () => {
    const gate = new CrossNodeGate({ frameEvents: FRAME_EVENTS, perSecond: 0 });
    for (let i = 0; i < 50; i++) expect(gate.forwards('sighting', { camera: 'door', id: i }, 1000)).toBe(true);
    expect(gate.forwards('stats', { camera: 'door', samples: [] }, 1000)).toBe(true);
  });

  it('thins out per-frame events of an unchanged view to perSecond per camera and event', () => {
    const gate = new CrossNodeGate({ frameEvents: FRAME_EVENTS, perSecond: 2 });
    const sent = forwarded(gate, 'faces', 5_000, () => [ada]);
    expect(sent).toHaveLength(10);
    // Half a second apart on average, never less than a frame short of it.
    for (let i = 1; i < sent.length; i++) expect(sent[i] - sent[i - 1]).toBeGreaterThan(500 - 83);
    // Another camera and another event are counted apart.
    expect(gate.forwards('faces', { camera: 'hall', faces: [ada] }, 5_001)).toBe(true);
    expect(gate.forwards('recognition', { camera: 'door', faces: [ada] }, 5_001)).toBe(true);
  });

  it('sends a change of who is in view at once, at most one per 100 ms, and the view it settled on', () => {
    const gate = new CrossNodeGate({ frameEvents: FRAME_EVENTS, perSecond: 0 });
    expect(forwarded(gate, 'faces', 1_000, (ms) => (ms < 400 ? [ada] : [ada, stranger]))).toEqual([0, 415]);
    // Flickering every frame: not every frame, but never more than one each 100 ms, and the last change gets out.
    const flicker = new CrossNodeGate({ frameEvents: FRAME_EVENTS, perSecond: 0 });
    const sent = forwarded(flicker, 'faces', 1_000, (ms) => (Math.round(ms / 83) % 2 ? [ada] : [ada, stranger]));
    for (let i = 1; i < sent.length; i++) expect(sent[i] - sent[i - 1]).toBeGreaterThanOrEqual(100);
    expect(sent.length).toBeGreaterThanOrEqual(5);
  });

  it('a renamed track is a change; the order of the faces is not', () => {
    expect(whoIsInView([ada, stranger])).toBe(whoIsInView([stranger, ada]));
    expect(whoIsInView([ada])).not.toBe(whoIsInView([{ ...ada, personId: 8, name: 'Grace' }]));
    expect(whoIsInView([{ name: 'Ada', personId: 7 }])).not.toBe(whoIsInView([{ name: 'Unknown', personId: null }]));
  });

  it('passes on what does not look like a frame event', () => {
    const gate = new CrossNodeGate({ frameEvents: FRAME_EVENTS, perSecond: 0 });
    expect(gate.forwards('faces', undefined, 0)).toBe(true);
    expect(gate.forwards('faces', { camera: 3, faces: [] }, 0)).toBe(true);
  });
});

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { KNOWN_COLOR } from '../../src/stream/overlay';
import { labelFontPx } from '../../src/stream/render/label-layout';

jest.setTimeout(60_000);

/** What the painters did on real Mats, in a child process (OpenCV cannot load inside jest). */
function probe() {
  const script = resolve(__dirname, '../support/label-painter-probe.ts');
  const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', script], { encoding: 'utf8', cwd: resolve(__dirname, '../..') });
  if (run.status !== 0) throw new Error(`probe failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout);
}

describe('label painters on real OpenCV frames', () => {
  let facts: any;
  beforeAll(() => {
    facts = probe();
  });

  it('rasterises a label once, then pastes the cached patch: the same pixels every time', () => {
    expect(facts.cached).toEqual({ rasterizedTwice: 1, samePixels: true, rasterizedOtherColour: 2 });
  });

  it('keeps a bounded number of patches however many labels it has drawn', () => {
    expect(facts.bounded).toEqual({ after100: { rasterized: 100, cached: 16 }, afterRecent: 100, afterEvicted: 101, cachedAfterDispose: 0 });
  });

  it('draws one strip in the box colour ending at the box, with white text on it, and leaves the box inside alone', () => {
    const { changedRows, corner, white } = facts.strip;
    const top = changedRows[0];
    // Consecutive rows from the strip's top down to the box's top edge, and no further.
    expect(changedRows).toEqual(Array.from({ length: 200 - top }, (_, i) => top + i));
    expect(200 - top).toBeGreaterThanOrEqual(labelFontPx(720));
    expect(corner).toEqual(KNOWN_COLOR);
    expect(white).toBeGreaterThan(100);
  });

  it('without its fonts, says once which Debian packages are missing, and still draws with a system font', () => {
    const { lines, kind, stripColour } = facts.missingFonts;
    expect(lines.join('\n')).toMatch(/fonts-noto-core/);
    expect(lines.join('\n')).toMatch(/fonts-noto-cjk/);
    expect(new Set(lines).size).toBe(lines.length);
    expect(kind).toBe('font');
    expect(stripColour).toEqual(KNOWN_COLOR);
  });

  it('Hershey (the fallback) draws the label, without showing the invisible direction marks as "?"', () => {
    expect(facts.hershey).toEqual({ sameAsPlain: true, drewSomething: true });
  });
});

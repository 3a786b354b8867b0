import { faceLabel } from '../../src/stream/overlay';
import { chooseLabelFonts, cssFontList, describeMissingFonts, LABEL_FONTS } from '../../src/stream/render/label-fonts';
import { labelCacheKey, labelFontPx, labelPaste, labelPatchLayout } from '../../src/stream/render/label-layout';

describe('label layout', () => {
  it('sizes the font like the Hershey labels were: ~20 px at 720p, bounded from 240p to 4K', () => {
    expect(labelFontPx(720)).toBe(20);
    expect(labelFontPx(240)).toBe(12);
    expect(labelFontPx(4320)).toBe(62);
    expect(labelFontPx(1080)).toBeGreaterThan(labelFontPx(720));
  });

  it('keys a rendered label by text, size and colour', () => {
    const green: [number, number, number] = [46, 204, 113];
    const key = labelCacheKey({ text: 'Zoë Ångström 87%', fontPx: 20, background: green });
    expect(labelCacheKey({ text: 'Zoë Ångström 87%', fontPx: 20, background: [46, 204, 113] })).toBe(key);
    expect(labelCacheKey({ text: 'Zoë Ångström 88%', fontPx: 20, background: green })).not.toBe(key);
    expect(labelCacheKey({ text: 'Zoë Ångström 87%', fontPx: 21, background: green })).not.toBe(key);
    expect(labelCacheKey({ text: 'Zoë Ångström 87%', fontPx: 20, background: [231, 76, 60] })).not.toBe(key);
    // A name cannot imitate the other fields.
    expect(labelCacheKey({ text: '1|2,3,4|x', fontPx: 2, background: [0, 0, 0] })).not.toBe(labelCacheKey({ text: 'x', fontPx: 2, background: [0, 0, 0] }));
  });

  it('makes a patch of the text plus padding, one line height for every text of a size', () => {
    const layout = labelPatchLayout({ width: 117.4, ascent: 21, descent: 5.2 }, 4);
    expect(layout).toEqual({ width: 126, height: 35, textX: 4, baselineY: 25 });
    expect(labelPatchLayout({ width: 10, ascent: 21, descent: 5.2 }, 4).height).toBe(35);
    expect(labelPatchLayout({ width: 0, ascent: 0, descent: 0 }, 0).width).toBe(1);
  });

  it('pastes the patch above the box when there is room, whole', () => {
    expect(labelPaste({ x: 100, y: 100, width: 80, height: 80 }, { width: 126, height: 35 }, { width: 640, height: 480 })).toEqual({
      source: { x: 0, y: 0, width: 126, height: 35 },
      target: { x: 100, y: 65, width: 126, height: 35 },
    });
  });

  it('pastes it inside the top of a box at the top edge, shifted left to stay in the frame', () => {
    const paste = labelPaste({ x: 600, y: 5, width: 40, height: 40 }, { width: 126, height: 35 }, { width: 640, height: 480 });
    expect(paste?.target).toEqual({ x: 640 - 126, y: 5, width: 126, height: 35 });
  });

  it('cuts a patch wider or taller than the frame to the frame', () => {
    const paste = labelPaste({ x: 2, y: 2, width: 20, height: 20 }, { width: 126, height: 35 }, { width: 64, height: 30 });
    expect(paste).toEqual({ source: { x: 0, y: 0, width: 64, height: 30 }, target: { x: 0, y: 0, width: 64, height: 30 } });
  });
});

describe('label text', () => {
  it('leaves left-to-right names as they are', () => {
    expect(faceLabel('Zoë Ångström', 86.6)).toBe('Zoë Ångström 87%');
    expect(faceLabel('李雷 (Li Lei)', 92)).toBe('李雷 (Li Lei) 92%');
  });

  it('isolates right-to-left names so the percentage stays on their right', () => {
    expect(faceLabel('שרה כהן', 80)).toBe('\u2068שרה כהן\u2069 80%');
    expect(faceLabel('دانيال', 75.2)).toBe('\u2068دانيال\u2069 75%');
  });

  it('isolates a name with direction overrides, so it cannot reorder the percentage', () => {
    expect(faceLabel('Bob\u202e', 87)).toBe('\u2068Bob\u202e\u2069 87%');
  });
});

describe('label fonts', () => {
  const debianFiles = ['/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf', '/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf', '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'];

  it('finds the fonts by file name, in order of preference, and lists the missing ones with their package', () => {
    const choice = chooseLabelFonts(debianFiles);
    expect(choice.found.map((font) => font.family)).toEqual(['Noto Sans', 'Noto Sans CJK JP', 'Noto Sans Hebrew']);
    expect(choice.found[1].path).toBe('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc');
    expect(choice.missing.map((font) => font.file)).toContain('NotoSansArabic-Regular.ttf');
    expect(choice.found.length + choice.missing.length).toBe(LABEL_FONTS.length);
    const lines = describeMissingFonts(choice.missing);
    expect(lines).toHaveLength(choice.missing.length);
    expect(lines.find((line) => line.includes('NotoSansArabic'))).toMatch(/fonts-noto-core/);
  });

  it('with no font files, finds nothing and names every package', () => {
    const choice = chooseLabelFonts([]);
    expect(choice.found).toEqual([]);
    expect(describeMissingFonts(choice.missing).join('\n')).toMatch(/fonts-noto-cjk/);
  });

  it('writes a CSS font list ending in the system sans-serif', () => {
    expect(cssFontList(20, ['Noto Sans', 'Noto Sans CJK JP'])).toBe('20px "Noto Sans", "Noto Sans CJK JP", sans-serif');
    expect(cssFontList(12, [])).toBe('12px sans-serif');
  });
});

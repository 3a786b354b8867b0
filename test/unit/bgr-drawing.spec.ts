import { bgrPatchOf, fillRect, pastePatch, strokeBox } from '../../src/stream/render/bgr-drawing';
import { labelPaste } from '../../src/stream/render/label-layout';
import type { BgrImage } from '../../src/recognition/face.types';

function blank(width: number, height: number): BgrImage {
  return { width, height, data: new Uint8Array(width * height * 3) };
}

/** The image as rows of characters: '.' untouched, 'x' painted (any colour). */
function rows(image: BgrImage): string[] {
  const out: string[] = [];
  for (let y = 0; y < image.height; y++) {
    let line = '';
    for (let x = 0; x < image.width; x++) line += image.data[(y * image.width + x) * 3 + 1] ? 'x' : '.';
    out.push(line);
  }
  return out;
}

function bgrAt(image: BgrImage, x: number, y: number): number[] {
  const i = (y * image.width + x) * 3;
  return [...image.data.subarray(i, i + 3)];
}

describe('drawing on BGR frames without OpenCV', () => {
  it('fills in BGR order and clips to the image', () => {
    const image = blank(4, 3);
    fillRect(image, 2, 1, 10, 10, [10, 20, 30]);
    expect(rows(image)).toEqual(['....', '..xx', '..xx']);
    expect(bgrAt(image, 3, 2)).toEqual([30, 20, 10]);
    fillRect(image, -5, -5, 2, 2, [1, 1, 1]); // wholly outside: nothing
    expect(rows(image)[0]).toBe('....');
  });

  it('strokes a box centred on its edges, its far edges at x + width - 1, like OpenCV', () => {
    const image = blank(9, 8);
    strokeBox(image, { x: 2, y: 2, width: 5, height: 4 }, [0, 255, 0], 1);
    expect(rows(image)).toEqual(['.........', '.........', '..xxxxx..', '..x...x..', '..x...x..', '..xxxxx..', '.........', '.........']);
    // Thickness 2 reaches one pixel either side of each edge (OpenCV's thick lines are 3 px wide at 2).
    const thick = blank(12, 10);
    strokeBox(thick, { x: 2, y: 2, width: 7, height: 6 }, [0, 255, 0], 2);
    const full = '.xxxxxxxxx..';
    const sides = '.xxx...xxx..';
    const none = '............';
    expect(rows(thick)).toEqual([none, full, full, full, sides, sides, full, full, full, none]);
  });

  it('turns an RGBA label into a BGR patch and pastes the visible part of it', () => {
    const rgba = new Uint8Array([1, 2, 3, 255, 4, 5, 6, 255, 7, 8, 9, 255, 10, 11, 12, 255]);
    const patch = bgrPatchOf(2, 2, rgba);
    expect([...patch.data]).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10]);
    const image = blank(3, 4);
    // A box at the right edge: the label is shifted left to stay in the frame, above the box.
    const paste = labelPaste({ x: 2, y: 2, width: 1, height: 2 }, patch, { width: 3, height: 4 })!;
    expect(paste.target).toEqual({ x: 1, y: 0, width: 2, height: 2 });
    pastePatch(image, patch, paste);
    expect(bgrAt(image, 1, 0)).toEqual([3, 2, 1]);
    expect(bgrAt(image, 2, 1)).toEqual([12, 11, 10]);
    expect(bgrAt(image, 0, 0)).toEqual([0, 0, 0]);
  });
});

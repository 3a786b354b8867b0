/**
 * Turns a label's text into pixels with a real font rasteriser (Skia, through @napi-rs/canvas):
 * any script the fonts cover, glyphs shaped (Arabic joining, combining marks) and runs put in
 * display order by the Unicode bidi algorithm. No OpenCV here: the painter turns the pixels
 * into a patch.
 */
import type * as SkiaCanvas from '@napi-rs/canvas';
import { chooseLabelFonts, cssFontList, describeMissingFonts, LABEL_FONTS, listFontFiles, SYSTEM_FONTS_DIR } from './label-fonts';
import { labelPatchLayout, LabelSpec } from './label-layout';

/** A rendered label: the strip in the label's colour with the text in white, RGBA, row-major. */
export interface RasterizedLabel {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

type CanvasModule = typeof SkiaCanvas;

export class LabelRasterizer {
  /** A 1x1 canvas kept for measuring text before its patch is made. */
  private readonly measuring: SkiaCanvas.SKRSContext2D;

  private constructor(
    private readonly canvas: CanvasModule,
    readonly families: readonly string[],
  ) {
    this.measuring = canvas.createCanvas(1, 1).getContext('2d');
  }

  /**
   * Registers the label fonts found under `fontsDir` and returns a rasteriser, or null (with
   * the reason logged) when the native module cannot load or no font at all is available.
   * Missing fonts are logged once each; Skia then falls back to any system font with the glyph.
   */
  static create(log: (message: string) => void, fontsDir = SYSTEM_FONTS_DIR): LabelRasterizer | null {
    let canvas: CanvasModule;
    try {
      // Loaded here, not imported, so a missing native binary degrades the labels, not the thread.
      canvas = require('@napi-rs/canvas') as CanvasModule;
    } catch (err) {
      log(`labels drawn with OpenCV's ASCII font: @napi-rs/canvas did not load (${err instanceof Error ? err.message : err})`);
      return null;
    }
    const choice = chooseLabelFonts(listFontFiles(fontsDir), LABEL_FONTS);
    const families = choice.found.filter((font) => canvas.GlobalFonts.registerFromPath(font.path) !== null && canvas.GlobalFonts.has(font.family)).map((font) => font.family);
    for (const line of describeMissingFonts(choice.missing)) log(line);
    if (families.length === 0 && canvas.GlobalFonts.families.length === 0) {
      log("labels drawn with OpenCV's ASCII font: no font found for the rasteriser");
      return null;
    }
    return new LabelRasterizer(canvas, families);
  }

  render({ text, fontPx, background }: LabelSpec): RasterizedLabel {
    const font = cssFontList(fontPx, this.families);
    this.measuring.font = font;
    const measured = this.measuring.measureText(text);
    const layout = labelPatchLayout({
      // The ink may reach past the advance (italic overhangs, some marks); keep it on the strip.
      width: Math.max(measured.width, measured.actualBoundingBoxRight),
      // The font's line box, so labels of one size are equally high; taller glyphs widen it.
      ascent: Math.max(measured.fontBoundingBoxAscent, measured.actualBoundingBoxAscent),
      descent: Math.max(measured.fontBoundingBoxDescent, measured.actualBoundingBoxDescent),
    });
    const ctx = this.canvas.createCanvas(layout.width, layout.height).getContext('2d');
    ctx.fillStyle = `rgb(${background.join(',')})`;
    ctx.fillRect(0, 0, layout.width, layout.height);
    ctx.font = font;
    ctx.fillStyle = '#ffffff';
    ctx.textBaseline = 'alphabetic';
    ctx.fillText(text, layout.textX, layout.baselineY);
    return { width: layout.width, height: layout.height, rgba: ctx.getImageData(0, 0, layout.width, layout.height).data };
  }
}

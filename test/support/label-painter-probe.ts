/**
 * Runs the label painters on real OpenCV Mats and prints what happened as JSON. A child
 * process of its own: OpenCV's native addon cannot load inside jest's module system, and
 * loads in one thread per process (see test/integration/label-painter.spec.ts).
 */
import { cv, Mat } from '../../src/common/opencv';
import { KNOWN_COLOR, Rgb, UNKNOWN_COLOR } from '../../src/stream/overlay';
import { createLabelPainter, FontLabelPainter, HersheyLabelPainter } from '../../src/stream/render/label-painter';
import { LabelRasterizer } from '../../src/stream/render/label-rasterizer';

const GREY = 110;
const box = { x: 100, y: 200, width: 200, height: 200 };

function withFrame<T>(use: (mat: Mat) => T): T {
  const mat = new cv.Mat(720, 1280, cv.CV_8UC3, [GREY, GREY, GREY]);
  try {
    return use(mat);
  } finally {
    mat.release();
  }
}

function fontPainter(cacheSize?: number): FontLabelPainter {
  const rasterizer = LabelRasterizer.create(() => undefined);
  if (!rasterizer) throw new Error('the label rasteriser did not start');
  return new FontLabelPainter(rasterizer, cacheSize);
}

const rgbAt = (mat: Mat, x: number, y: number): Rgb => {
  const { x: b, y: g, z: r } = mat.at(y, x) as unknown as { x: number; y: number; z: number };
  return [r, g, b];
};

function cached() {
  const painter = fontPainter();
  const frames = [0, 1].map(() =>
    withFrame((mat) => {
      painter.paint(mat, box, 'Zoë Ångström 87%', KNOWN_COLOR);
      return mat.getData().toString('base64');
    }),
  );
  const rasterizedTwice = painter.rasterized;
  withFrame((mat) => painter.paint(mat, box, 'Zoë Ångström 87%', UNKNOWN_COLOR));
  const result = { rasterizedTwice, samePixels: frames[0] === frames[1], rasterizedOtherColour: painter.rasterized };
  painter.dispose();
  return result;
}

function bounded() {
  const painter = fontPainter(16);
  return withFrame((mat) => {
    for (let i = 0; i < 100; i++) painter.paint(mat, box, `Person ${i} 80%`, KNOWN_COLOR);
    const after100 = { rasterized: painter.rasterized, cached: painter.cached };
    painter.paint(mat, box, 'Person 99 80%', KNOWN_COLOR);
    const afterRecent = painter.rasterized;
    painter.paint(mat, box, 'Person 0 80%', KNOWN_COLOR);
    const afterEvicted = painter.rasterized;
    painter.dispose();
    return { after100, afterRecent, afterEvicted, cachedAfterDispose: painter.cached };
  });
}

/** Rows above the box that were drawn on, the strip's colour, white pixels on it, and the box's inside. */
function strip() {
  const painter = fontPainter();
  const result = withFrame((mat) => {
    painter.paint(mat, box, '李雷 (Li Lei) 92%', KNOWN_COLOR);
    const changedRows: number[] = [];
    let white = 0;
    for (let y = 0; y < box.y + 20; y++) {
      let changed = false;
      for (let x = 0; x < 1280; x++) {
        const [r, g, b] = rgbAt(mat, x, y);
        if (r !== GREY || g !== GREY || b !== GREY) changed = true;
        if (r > 240 && g > 240 && b > 240) white++;
      }
      if (changed) changedRows.push(y);
    }
    return { changedRows, corner: rgbAt(mat, box.x, changedRows[0]), white };
  });
  painter.dispose();
  return result;
}

function missingFonts() {
  const lines: string[] = [];
  const painter = createLabelPainter((line) => lines.push(line), '/nonexistent/fonts');
  const stripColour = withFrame((mat) => {
    painter.paint(mat, box, 'Grace 97%', KNOWN_COLOR);
    return rgbAt(mat, box.x + 1, box.y - 2);
  });
  painter.dispose();
  return { lines, kind: painter.kind, stripColour };
}

function hershey() {
  const painter = new HersheyLabelPainter();
  const [plain, isolated] = ['Grace 97%', '\u2068Grace\u2069 97%'].map((text) =>
    withFrame((mat) => {
      painter.paint(mat, box, text, KNOWN_COLOR);
      return mat.getData().toString('base64');
    }),
  );
  return { sameAsPlain: plain === isolated, drewSomething: withFrame((mat) => mat.getData().toString('base64')) !== plain };
}

process.stdout.write(JSON.stringify({ cached: cached(), bounded: bounded(), strip: strip(), missingFonts: missingFonts(), hershey: hershey() }));

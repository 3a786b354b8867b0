/**
 * `npm run bench -- labels`: what drawing a frame's boxes and labels costs, OpenCV's Hershey
 * font (how labels were drawn before) against the font rasteriser with cached patches, timed
 * interleaved in one process so both see the same machine load. Runs OpenCV on this thread:
 * start no vision thread here.
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { cv, Mat } from '../common/opencv';
import { faceLabel, OverlayItem } from '../stream/overlay';
import { createLabelPainter, HersheyLabelPainter, LabelPainter } from '../stream/render/label-painter';
import { drawOverlay } from '../stream/render/render.handlers';
import { summarise, Summary } from './stats';

const HELP = `Usage: npm run bench -- labels [--frames N]
  --frames N   frames drawn with each painter (default 500), 3 labelled faces on a 1280x720 frame`;

const NAMES = ['Zoë Ångström', '李雷 (Li Lei)', 'שרה כהן'];

function overlayFor(confidence: number): OverlayItem[] {
  return NAMES.map((name, i) => ({ box: { x: 80 + i * 400, y: 200, width: 220, height: 260 }, label: faceLabel(name, confidence), known: i !== 2 }));
}

function timeDraw(mat: Mat, overlay: OverlayItem[], painter: LabelPainter): number {
  const started = performance.now();
  drawOverlay(mat, overlay, painter);
  return performance.now() - started;
}

const ms = (value: number) => value.toFixed(3);
const line = (name: string, s: Summary) => `${name.padEnd(44)} median ${ms(s.median)} ms   p95 ${ms(s.p95)} ms   max ${ms(s.max)} ms`;

export async function runLabelsBench(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { frames: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) return void console.log(HELP);
  const frames = Math.max(1, Number(values.frames ?? 500));
  const loadBefore = loadavg()[0];
  const hershey = new HersheyLabelPainter();
  const registering = performance.now();
  const font = createLabelPainter((message) => console.warn(message));
  const registerMs = performance.now() - registering;
  if (font.kind !== 'font') throw new Error('the font rasteriser is unavailable here: nothing to compare');
  const mat = new cv.Mat(720, 1280, cv.CV_8UC3, [110, 110, 110]);
  try {
    const overlay = overlayFor(87);
    // Both painters warmed up (the font painter's three labels rasterised and cached).
    for (let i = 0; i < 20; i++) [hershey, font].forEach((painter) => timeDraw(mat, overlay, painter));
    const samples = { hershey: [] as number[], font: [] as number[], fontNewLabels: [] as number[] };
    for (let i = 0; i < frames; i++) {
      // Alternate which goes first, so neither always follows the other's cache state.
      const order: Array<'hershey' | 'font'> = i % 2 ? ['hershey', 'font'] : ['font', 'hershey'];
      for (const name of order) samples[name].push(timeDraw(mat, overlay, name === 'font' ? font : hershey));
      // The worst case: three labels never drawn before (a new confidence on every face).
      if (i < 100) samples.fontNewLabels.push(timeDraw(mat, overlayFor(1000 + i), font));
    }
    console.log(`Drawing 3 labelled boxes on a 1280x720 frame, ${frames} frames each, interleaved (${NAMES.join(', ')})`);
    console.log(line('Hershey (before: ASCII only, drawn each frame)', summarise(samples.hershey)));
    console.log(line('font, labels cached (after)', summarise(samples.font)));
    console.log(line('font, 3 new labels rasterised', summarise(samples.fontNewLabels)));
    console.log(`fonts found and registered once per thread in ${registerMs.toFixed(1)} ms`);
    console.log(`load average (1 min): ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after; ${availableParallelism()} cores`);
  } finally {
    mat.release();
    font.dispose();
  }
}

/** Sparklines of the last minute (one point per second). */
import { byId } from './dom.js';

export const WINDOW = 60;
const SVG = 'http://www.w3.org/2000/svg';

/** Draws the values into the chart box `id`, with the current value beside its label. */
export function chart(id: string, values: Array<number | null>, current: string): void {
  const box = byId(id);
  box.querySelector('.value')!.textContent = current;
  const svg = box.querySelector('svg')!;
  const width = 120;
  const height = 32;
  const max = Math.max(1, ...values.filter((v): v is number => v !== null));
  const step = width / (WINDOW - 1);
  const offset = WINDOW - values.length;
  const points = values
    .map((v, i) => (v === null ? null : `${((offset + i) * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`))
    .filter((p): p is string => p !== null);
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', points.join(' '));
  const area = document.createElementNS(SVG, 'polygon');
  if (points.length > 1) {
    const first = points[0].split(',')[0];
    const lastX = points[points.length - 1].split(',')[0];
    area.setAttribute('points', `${first},${height} ${points.join(' ')} ${lastX},${height}`);
  }
  area.setAttribute('class', 'area');
  svg.replaceChildren(area, line);
}

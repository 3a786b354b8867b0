/**
 * Privacy zones on a camera's page (admins): the saved zones outlined over the stream and listed
 * with a Delete button; drawing a new one by clicking its corners on the picture, closing it,
 * then saving (PATCH /cameras/{name} privacyZones, in fractions of the frame).
 */
import { api, errorText } from './api.js';
import type { Camera } from './api.js';
import { byId, h, say, toast } from './dom.js';
import { addPoint, closeZone, svgPoints, withoutZone, Zone, ZonePoint, zoneLabel, zonesBody, zonesOf, toFraction } from './zones-model.js';

const SVG = 'http://www.w3.org/2000/svg';

export interface ZonesHandlers {
  /** The camera changed through this page: load the list again. */
  reload(): Promise<void>;
  /** The camera's settings changed: open its stream again (to show the new mask). */
  reconnect(): void;
}

export class ZonesEditor {
  private camera: Camera | null = null;
  private saved: Zone[] = [];
  /** Closed, not saved yet. */
  private pending: Zone[] = [];
  /** The corners of the zone being drawn; null when not drawing. */
  private drawing: ZonePoint[] | null = null;
  private readonly overlay = byId('zone-overlay') as unknown as SVGSVGElement;
  private readonly image = byId<HTMLImageElement>('stream');
  private readonly list = byId<HTMLUListElement>('zones-list');
  private readonly message = byId('zone-message');

  constructor(private readonly handlers: ZonesHandlers) {}

  start(): void {
    this.overlay.addEventListener('click', (event) => this.clicked(event));
    this.image.addEventListener('load', () => this.draw());
    byId('zone-draw').addEventListener('click', () => this.startDrawing());
    byId('zone-close').addEventListener('click', () => this.close());
    byId('zone-cancel').addEventListener('click', () => this.cancel());
    byId('zone-save').addEventListener('click', () => void this.save());
  }

  /** The camera shown (again: the list is refreshed every few seconds); a drawing in progress is kept. */
  show(camera: Camera): void {
    const switched = this.camera?.name !== camera.name;
    if (switched) {
      this.pending = [];
      this.drawing = null;
      say(this.message, '');
    }
    const saved = zonesOf(camera.overrides);
    const changed = switched || JSON.stringify(saved) !== JSON.stringify(this.saved);
    this.camera = camera;
    this.saved = saved;
    // The list is refreshed every few seconds: the panel is redrawn only when the zones changed (a button under the pointer stays put).
    if (changed) this.render();
    else this.draw();
  }

  /** The picture's size in pixels: the stream's frames, else what the camera reports. */
  private frameSize(): [number, number] {
    if (this.image.naturalWidth > 1) return [this.image.naturalWidth, this.image.naturalHeight];
    if (this.camera && this.camera.width > 0 && this.camera.height > 0) return [this.camera.width, this.camera.height];
    return [1280, 720];
  }

  private startDrawing(): void {
    this.drawing = [];
    say(this.message, 'Click the corners of the zone on the picture, then Close zone.', 'info');
    this.render();
  }

  private cancel(): void {
    this.drawing = null;
    say(this.message, '');
    this.render();
  }

  /** A click on the picture while drawing adds a corner where it landed (the overlay letterboxes like the image). */
  private clicked(event: MouseEvent): void {
    if (!this.drawing) return;
    const matrix = this.overlay.getScreenCTM();
    if (!matrix) return;
    const at = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    const [width, height] = this.frameSize();
    const next = addPoint(this.drawing, toFraction(at.x, at.y, width, height));
    if ('error' in next) return say(this.message, next.error);
    this.drawing = next;
    this.render();
  }

  private close(): void {
    if (!this.drawing) return;
    const closed = closeZone(this.drawing, [...this.saved, ...this.pending]);
    if ('error' in closed) return say(this.message, closed.error);
    this.pending.push(closed.zone);
    this.drawing = null;
    say(this.message, 'Zone closed: Save zones to apply it.', 'info');
    this.render();
  }

  private async save(): Promise<void> {
    await this.store([...this.saved, ...this.pending], 'The privacy zones are saved: nothing inside them is detected, recorded or shown.');
  }

  private async remove(index: number): Promise<void> {
    if (!window.confirm(`Delete zone ${index + 1}? Faces inside it will be detected and shown again.`)) return;
    await this.store([...withoutZone(this.saved, index), ...this.pending], `Zone ${index + 1} is deleted.`);
  }

  private async store(zones: Zone[], done: string): Promise<void> {
    const camera = this.camera;
    if (!camera) return;
    say(this.message, 'Saving…', 'info');
    try {
      const updated = await api<Camera>('PATCH', `/cameras/${encodeURIComponent(camera.name)}`, zonesBody(zones));
      this.pending = [];
      if (this.camera?.name === camera.name) this.show(updated);
      this.handlers.reconnect();
      say(this.message, done, 'ok');
      toast(done);
      await this.handlers.reload();
    } catch (err) {
      say(this.message, errorText(err));
    }
  }

  private render(): void {
    const drawing = this.drawing !== null;
    byId('zones-count').textContent = String(this.saved.length);
    byId('zone-draw').hidden = drawing;
    byId('zone-close').hidden = !drawing;
    byId('zone-cancel').hidden = !drawing;
    byId('zone-save').hidden = drawing || this.pending.length === 0;
    this.overlay.classList.toggle('drawing', drawing);
    const rows = [
      ...this.saved.map((zone, i) =>
        h(
          'li',
          { class: 'zone', 'data-zone': i },
          h('span', { text: zoneLabel(zone, i) }),
          h('button', { type: 'button', class: 'small danger', text: 'Delete', 'aria-label': `Delete zone ${i + 1}`, onclick: () => void this.remove(i) }),
        ),
      ),
      ...this.pending.map((zone, i) => h('li', { class: 'zone pending' }, h('span', { text: `${zoneLabel(zone, this.saved.length + i)} (not saved)` }))),
    ];
    this.list.replaceChildren(...(rows.length ? rows : [h('li', { class: 'empty', text: 'No zones: the whole picture is watched.' })]));
    this.draw();
  }

  /** The zones over the picture: saved ones filled, unsaved ones dashed, the one being drawn as a line with its corners. */
  private draw(): void {
    const [width, height] = this.frameSize();
    this.overlay.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const shapes: SVGElement[] = [];
    const shape = (tag: string, attrs: Record<string, string | number>) => {
      const element = document.createElementNS(SVG, tag);
      for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, String(value));
      shapes.push(element);
    };
    this.saved.forEach((zone) => shape('polygon', { class: 'zone-saved', points: svgPoints(zone, width, height) }));
    this.pending.forEach((zone) => shape('polygon', { class: 'zone-pending', points: svgPoints(zone, width, height) }));
    if (this.drawing?.length) {
      shape('polyline', { class: 'zone-drawing', points: svgPoints(this.drawing, width, height) });
      const r = Math.max(width, height) / 160;
      for (const [x, y] of this.drawing) shape('circle', { class: 'zone-corner', cx: x * width, cy: y * height, r });
    }
    this.overlay.replaceChildren(...shapes);
  }
}

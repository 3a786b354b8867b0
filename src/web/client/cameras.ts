/** The Cameras view: a tile per camera (live picture, state, who is in view), adding and removing cameras. */
import { api, errorText } from './api.js';
import type { Camera } from './api.js';
import { cameraHash, cameraMeta, FacesBook, newCameraBody, stateBadge, streamsIn, tileFaces } from './cameras-model.js';
import { byId, h, say, toast } from './dom.js';
import { StreamImage } from './stream-image.js';

/**
 * Tiles beyond this many show snapshots refreshed once a second instead of the MJPEG stream: a
 * browser opens at most 6 connections to one server, and every stream holds one open.
 */
export const LIVE_TILES = 4;

interface Tile {
  camera: Camera;
  element: HTMLElement;
  image: StreamImage;
  state: HTMLElement;
  meta: HTMLElement;
  faces: HTMLElement;
  notice: HTMLElement;
  message: HTMLElement;
  /** The faces line as last drawn, to skip identical redraws. */
  drawn: string;
}

export interface CamerasHandlers {
  /** The list changed through this page: load it again. */
  reload(): Promise<void>;
}

export class CamerasView {
  private readonly tiles = new Map<string, Tile>();
  private readonly grid = byId('camera-grid');
  private visible = false;
  private facesQueued = new Set<string>();

  constructor(
    private readonly book: FacesBook,
    private readonly handlers: CamerasHandlers,
  ) {}

  start(): void {
    const form = byId<HTMLFormElement>('camera-form');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.add(form);
    });
    // Faces go stale when a camera stops sending them; redraw now and then.
    window.setInterval(() => this.visible && this.tiles.forEach((tile) => this.drawFaces(tile)), 2000);
    document.addEventListener('visibilitychange', () => this.applyStreams());
  }

  /** Brings the tiles in line with the list (existing tiles keep their stream connection). */
  render(cameras: Camera[]): void {
    byId('cameras-count').textContent = String(cameras.length);
    const names = new Set(cameras.map((camera) => camera.name));
    for (const [name, tile] of this.tiles) {
      if (names.has(name)) continue;
      tile.image.stop();
      tile.element.remove();
      this.tiles.delete(name);
    }
    const elements: HTMLElement[] = [];
    for (const camera of cameras) {
      const tile = this.tiles.get(camera.name) ?? this.createTile(camera);
      tile.camera = camera;
      this.tiles.set(camera.name, tile);
      this.drawTile(tile);
      elements.push(tile.element);
    }
    // Reorder only when needed (a moved <img> keeps its stream, but there is no point).
    const current = [...this.grid.children].filter((child) => child.classList.contains('camera-tile'));
    if (!elements.length) {
      if (!this.grid.querySelector('.empty')) this.grid.replaceChildren(h('p', { class: 'empty', text: 'No cameras. Add one with the form below.' }));
    } else if (current.length !== this.grid.children.length || current.length !== elements.length || current.some((child, i) => child !== elements[i])) {
      this.grid.replaceChildren(...elements);
    }
    this.applyStreams();
  }

  /** The list could not be loaded. */
  failed(message: string): void {
    this.grid.replaceChildren(h('p', { class: 'message error', role: 'alert', text: message }));
  }

  show(): void {
    this.visible = true;
    this.tiles.forEach((tile) => this.drawFaces(tile));
    this.applyStreams();
  }

  hide(): void {
    this.visible = false;
    this.applyStreams();
  }

  /** A camera's state changed (camera-state event). */
  stateChanged(camera: Camera): void {
    const tile = this.tiles.get(camera.name);
    if (!tile) return;
    tile.camera = camera;
    this.drawTile(tile);
    this.applyStreams();
  }

  /** New faces for a camera arrived: redraw its tile's names on the next animation frame. */
  facesChanged(camera: string): void {
    if (!this.visible || this.facesQueued.has(camera)) return;
    this.facesQueued.add(camera);
    requestAnimationFrame(() => {
      this.facesQueued.delete(camera);
      const tile = this.tiles.get(camera);
      if (tile) this.drawFaces(tile);
    });
  }

  private createTile(camera: Camera): Tile {
    const href = cameraHash(camera.name);
    const img = h('img', { class: 'tile-stream', alt: `Live view of ${camera.name}` });
    const state = h('span', { class: 'pill state' });
    const notice = h('span', { class: 'tile-notice', hidden: true });
    const meta = h('span', { class: 'muted tile-meta' });
    const faces = h('p', { class: 'tile-faces', 'aria-live': 'off' });
    const message = h('p', { class: 'message', role: 'alert' });
    const element = h(
      'article',
      { class: 'camera-tile', 'data-camera': camera.name },
      h('a', { class: 'tile-frame', href, 'aria-label': `Open ${camera.name}` }, img, state, notice),
      h(
        'div',
        { class: 'tile-body' },
        h(
          'div',
          { class: 'tile-head' },
          h('a', { class: 'tile-name', href, text: camera.name }),
          meta,
          h('button', { type: 'button', class: 'small danger tile-remove', text: 'Remove', 'aria-label': `Remove ${camera.name}`, onclick: () => void this.remove(camera.name, message) }),
        ),
        faces,
        message,
      ),
    );
    return { camera, element, image: new StreamImage(img), state, meta, faces, notice, message, drawn: '' };
  }

  private drawTile(tile: Tile): void {
    const { camera } = tile;
    const badge = stateBadge(camera.state);
    tile.state.textContent = badge.label;
    tile.state.className = `pill state ${badge.tone}`;
    tile.meta.textContent = cameraMeta(camera);
    tile.meta.title = camera.source;
    tile.notice.hidden = streamsIn(camera.state);
    tile.notice.textContent = camera.state === 'disabled' ? 'Disabled' : badge.label;
    this.drawFaces(tile);
  }

  private drawFaces(tile: Tile): void {
    const faces = tileFaces(this.book, tile.camera, Date.now());
    const key = `${tile.camera.state}|${faces.map((face) => `${face.personId ?? '?'}:${face.name}`).join(',')}`;
    if (key === tile.drawn) return;
    tile.drawn = key;
    if (!faces.length) {
      tile.faces.replaceChildren(h('span', { class: 'muted', text: tile.camera.state === 'live' ? 'Nobody in view' : stateBadge(tile.camera.state).label }));
      return;
    }
    tile.faces.replaceChildren(
      ...faces.map((face) => h('span', { class: `tile-face ${face.personId === null ? 'unknown' : 'known'}`, text: face.name })),
    );
  }

  /** Streams run only while the grid is on screen; the first LIVE_TILES as MJPEG, the rest as snapshots. */
  private applyStreams(): void {
    const on = this.visible && !document.hidden;
    let index = 0;
    for (const tile of this.tiles.values()) {
      const { camera } = tile;
      if (!on || !streamsIn(camera.state)) tile.image.stop();
      else if (index < LIVE_TILES) tile.image.play(camera.streamUrl);
      else tile.image.poll(camera.snapshotUrl);
      index++;
    }
  }

  private async add(form: HTMLFormElement): Promise<void> {
    const message = byId('camera-message');
    const fields = new FormData(form);
    const parsed = newCameraBody({ name: fields.get('name'), source: fields.get('source'), enabled: fields.get('enabled') === 'on' });
    if ('error' in parsed) return say(message, parsed.error);
    const button = form.querySelector<HTMLButtonElement>('button[type=submit]')!;
    button.disabled = true;
    say(message, 'Adding the camera…', 'info');
    try {
      const camera = await api<Camera>('POST', '/cameras', parsed.body);
      form.reset();
      say(message, `${camera.name} is added.`, 'ok');
      await this.handlers.reload();
    } catch (err) {
      say(message, errorText(err));
    } finally {
      button.disabled = false;
    }
  }

  private async remove(name: string, message: HTMLElement): Promise<void> {
    if (!window.confirm(`Remove the camera “${name}”? Its stream stops and it is no longer watched.`)) return;
    say(message, '');
    try {
      await api('DELETE', `/cameras/${encodeURIComponent(name)}`);
      toast(`${name} was removed.`);
      say(byId('camera-message'), '');
      await this.handlers.reload();
    } catch (err) {
      say(message, errorText(err));
    }
  }
}

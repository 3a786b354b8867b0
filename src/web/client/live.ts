/**
 * One camera's page: its stream large, the faces in its view (pushed over Socket.IO), picking a
 * face on the stream to enroll it, the pipeline sparklines and the camera's own figures.
 */
import { api, errorText } from './api.js';
import type { Camera, LiveFace, LiveFaces, StatsSample } from './api.js';
import { cameraMeta, FacesBook, stateBadge, statsFigures, statsUrl, streamsIn } from './cameras-model.js';
import { chart, WINDOW } from './charts.js';
import { byId, duration, h } from './dom.js';
import { StreamImage } from './stream-image.js';

export interface LiveHandlers {
  /** The user picked a face (on the stream or in the list) to enroll. */
  pick(face: LiveFace): void;
}

const STATS_EVERY_MS = 2000;
/** Samples of a `stats` payload that names no camera (a single-camera server) are kept under this key. */
const ALL = '';

export class LiveView {
  private camera: Camera | null = null;
  /** How many cameras there are (set by the page): figures without a camera are then labelled as the server's. */
  cameraCount = 1;
  private samples = new Map<string, StatsSample[]>();
  private renderQueued = false;
  private statsTimer: number | undefined;
  private readonly list = byId<HTMLUListElement>('live-faces');
  private readonly image = byId<HTMLImageElement>('stream');
  private readonly stream = new StreamImage(this.image);

  constructor(
    private readonly book: FacesBook,
    private readonly handlers: LiveHandlers,
  ) {}

  start(): void {
    this.image.addEventListener('click', (event) => this.pickAt(event));
    // "In view for" keeps counting between recognitions.
    window.setInterval(() => this.camera && this.queueRender(), 1000);
  }

  /** The camera shown (or last shown), by name. */
  get current(): string | null {
    return this.camera?.name ?? null;
  }

  /** Shows this camera's page, or brings its header up to date when it is already shown. */
  show(camera: Camera): void {
    const switched = this.camera?.name !== camera.name || this.statsTimer === undefined;
    this.camera = camera;
    byId('camera-title').textContent = camera.name || 'Camera';
    const badge = stateBadge(camera.state);
    const state = byId('camera-state');
    state.textContent = badge.label;
    state.className = `pill state ${badge.tone}`;
    byId('camera-meta').textContent = cameraMeta(camera);
    const streams = streamsIn(camera.state);
    byId('stream-notice').hidden = streams;
    if (streams) this.stream.play(camera.streamUrl);
    else this.stream.stop();
    if (switched) {
      this.image.alt = `Live view of ${camera.name || 'the camera'} with recognised faces (click a face to enroll it)`;
      this.renderStats();
      this.renderFaces();
      window.clearInterval(this.statsTimer);
      this.statsTimer = window.setInterval(() => void this.loadFigures(), STATS_EVERY_MS);
      void this.loadFigures();
    }
  }

  /**
   * Opens the stream again: after a change to the camera (its pipeline restarts with the new
   * settings, and an ended MJPEG answer would leave the last old frame standing).
   */
  reconnect(): void {
    if (!this.camera || !streamsIn(this.camera.state)) return;
    this.stream.stop();
    this.stream.play(this.camera.streamUrl);
  }

  /** Leaves the page: the stream connection and the stats polling end. */
  hide(): void {
    this.stream.stop();
    window.clearInterval(this.statsTimer);
    this.statsTimer = undefined;
  }

  /** New faces for a camera arrived. */
  facesChanged(camera: string): void {
    if (camera === this.camera?.name && this.statsTimer !== undefined) this.queueRender();
  }

  addStats(payload: { camera?: string; samples: StatsSample[] }): void {
    const key = payload.camera ?? ALL;
    const kept = this.samples.get(key) ?? [];
    this.samples.set(key, kept.concat(payload.samples).slice(-WINDOW));
    if (this.camera && (key === ALL || key === this.camera.name)) this.renderStats();
  }

  faceByTrack(trackId: number): LiveFace | undefined {
    return this.latest()?.faces.find((face) => face.trackId === trackId);
  }

  private latest(): LiveFaces | undefined {
    return this.camera ? this.book.get(this.camera.name, Date.now()) : undefined;
  }

  private queueRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    // At most one redraw per animation frame (recognitions arrive ~12 times a second per camera).
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.renderFaces();
    });
  }

  private renderFaces(): void {
    const latest = this.latest();
    const faces = [...(latest?.faces ?? [])].sort((a, b) => Number(a.personId === null) - Number(b.personId === null) || a.since.localeCompare(b.since));
    const now = Date.now();
    byId('live-count').textContent = String(faces.length);
    if (!faces.length) {
      const waiting = !latest || (this.camera && this.camera.state !== 'live');
      this.list.replaceChildren(h('li', { class: 'empty', text: waiting ? 'Waiting for the camera…' : 'Nobody in view' }));
      return;
    }
    this.list.replaceChildren(
      ...faces.map((face) => {
        const known = face.personId !== null;
        return h(
          'li',
          { class: `face ${known ? 'known' : 'unknown'}`, 'data-track': face.trackId },
          h('span', { class: 'dot', 'aria-hidden': 'true' }),
          h(
            'div',
            { class: 'face-main' },
            h('strong', { class: 'face-name', text: face.name }),
            h('span', { class: 'muted', text: `in view ${duration(now - Date.parse(face.since))}` }),
          ),
          h('span', { class: 'confidence', title: known ? 'How sure the name is' : 'How sure it is nobody enrolled', text: `${Math.round(face.confidence)}%` }),
          known ? null : h('button', { class: 'small', type: 'button', text: 'Enroll…', onclick: () => this.handlers.pick(face) }),
        );
      }),
    );
  }

  /** A click on the stream picks the face under it (the image is letterboxed: object-fit contain). */
  private pickAt(event: MouseEvent): void {
    const latest = this.latest();
    if (!latest) return;
    const { frameWidth, frameHeight, faces } = latest;
    if (!frameWidth || !faces.length) return;
    const rect = this.image.getBoundingClientRect();
    const scale = Math.min(rect.width / frameWidth, rect.height / frameHeight);
    const x = (event.clientX - rect.left - (rect.width - frameWidth * scale) / 2) / scale;
    const y = (event.clientY - rect.top - (rect.height - frameHeight * scale) / 2) / scale;
    const margin = 0.25;
    const hit = faces.find((face) => {
      const [bx, by, bw, bh] = face.box;
      return x >= bx - bw * margin && x <= bx + bw * (1 + margin) && y >= by - bh * margin && y <= by + bh * (1 + margin);
    });
    if (hit) this.handlers.pick(hit);
  }

  private renderStats(): void {
    const own = this.camera ? this.samples.get(this.camera.name) : undefined;
    const samples = own ?? this.samples.get(ALL) ?? [];
    // A server that sends its figures without a camera sends them for the whole server.
    byId('stats-scope').textContent = !own && this.cameraCount > 1 ? 'whole server' : '';
    const last = samples[samples.length - 1];
    chart('chart-fps', samples.map((s) => s.fps), last ? last.fps.toFixed(1) : '–');
    chart('chart-latency', samples.map((s) => s.latencyMs), last?.latencyMs != null ? `${last.latencyMs} ms` : '–');
    chart('chart-faces', samples.map((s) => s.facesPerSecond), last ? last.facesPerSecond.toFixed(1) : '–');
  }

  /** The camera's counters (GET /cameras/<name>/stats), refreshed while the page is shown. */
  private async loadFigures(): Promise<void> {
    const camera = this.camera;
    if (!camera || document.hidden) return;
    const list = byId('camera-figures');
    let stats: unknown;
    try {
      stats = await api<unknown>('GET', statsUrl(camera));
    } catch (err) {
      if (this.camera === camera) list.replaceChildren(h('p', { class: 'muted', text: errorText(err) }));
      return;
    }
    if (this.camera !== camera || this.statsTimer === undefined) return;
    const figures = statsFigures(stats);
    list.replaceChildren(
      figures.length
        ? h('dl', {}, ...figures.flatMap((figure) => [h('dt', { text: figure.label }), h('dd', { text: figure.value })]))
        : h('p', { class: 'muted', text: 'No figures yet.' }),
    );
  }
}

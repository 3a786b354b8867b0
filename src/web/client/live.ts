/** The live view: faces in view (pushed over Socket.IO), the pipeline panel, picking a face on the stream. */
import type { LiveFace, LiveFaces, StatsSample } from './api.js';
import { byId, duration, h } from './dom.js';

interface SocketLike {
  on(event: string, handler: (payload: any) => void): void;
}
declare const io: (options?: { transports?: string[] }) => SocketLike;

export interface LiveHandlers {
  /** The user picked a face (on the stream or in the list) to enroll. */
  pick(face: LiveFace): void;
  sightingChanged(): void;
  unknownFacesChanged(): void;
}

const WINDOW = 60;

export class LiveView {
  private latest: LiveFaces = { at: '', frameWidth: 0, frameHeight: 0, faces: [] };
  private samples: StatsSample[] = [];
  private renderQueued = false;
  private readonly list = byId<HTMLUListElement>('live-faces');
  private readonly stream = byId<HTMLImageElement>('stream');

  constructor(private readonly handlers: LiveHandlers) {}

  start(): void {
    const socket = io();
    const status = byId('connection');
    socket.on('connect', () => {
      status.textContent = 'Live';
      status.className = 'pill live';
    });
    socket.on('disconnect', () => {
      status.textContent = 'Reconnecting…';
      status.className = 'pill down';
    });
    socket.on('faces', (payload: LiveFaces) => {
      this.latest = payload;
      this.queueRender();
    });
    socket.on('stats', (payload: { samples: StatsSample[] }) => {
      this.samples = this.samples.concat(payload.samples).slice(-WINDOW);
      this.renderStats();
    });
    socket.on('sighting', () => this.handlers.sightingChanged());
    socket.on('unknown-faces', () => this.handlers.unknownFacesChanged());
    this.stream.addEventListener('click', (event) => this.pickAt(event));
    this.stream.addEventListener('error', () => {
      // The MJPEG connection dropped (server restart): reconnect after a moment.
      window.setTimeout(() => (this.stream.src = `/stream?t=${Date.now()}`), 2000);
    });
    // "In view for" keeps counting between recognitions.
    window.setInterval(() => this.queueRender(), 1000);
  }

  faceByTrack(trackId: number): LiveFace | undefined {
    return this.latest.faces.find((face) => face.trackId === trackId);
  }

  private queueRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    // At most one redraw per animation frame (recognitions arrive ~12 times a second).
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.renderFaces();
    });
  }

  private renderFaces(): void {
    const faces = [...this.latest.faces].sort((a, b) => Number(a.personId === null) - Number(b.personId === null) || a.since.localeCompare(b.since));
    const now = Date.now();
    byId('live-count').textContent = String(faces.length);
    if (!faces.length) {
      this.list.replaceChildren(h('li', { class: 'empty', text: this.latest.at ? 'Nobody in view' : 'Waiting for the camera…' }));
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
    const { frameWidth, frameHeight, faces } = this.latest;
    if (!frameWidth || !faces.length) return;
    const rect = this.stream.getBoundingClientRect();
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
    const last = this.samples[this.samples.length - 1];
    const latencies = this.samples.map((s) => s.latencyMs);
    chart('chart-fps', this.samples.map((s) => s.fps), last ? last.fps.toFixed(1) : '–');
    chart('chart-latency', latencies, last?.latencyMs != null ? `${last.latencyMs} ms` : '–');
    chart('chart-faces', this.samples.map((s) => s.facesPerSecond), last ? last.facesPerSecond.toFixed(1) : '–');
  }
}

const SVG = 'http://www.w3.org/2000/svg';

/** A sparkline of the last minute (one point per second) with the current value beside it. */
function chart(id: string, values: Array<number | null>, current: string): void {
  const box = byId(id);
  box.querySelector('.value')!.textContent = current;
  const svg = box.querySelector('svg')!;
  const width = 120;
  const height = 32;
  const numbers = values;
  const max = Math.max(1, ...numbers.filter((v): v is number => v !== null));
  const step = width / (WINDOW - 1);
  const offset = WINDOW - values.length;
  const points = numbers
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

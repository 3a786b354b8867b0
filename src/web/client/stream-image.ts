/** An <img> showing a camera: its MJPEG stream, or snapshots polled once a second; reconnects; stoppable. */

/** A 1×1 transparent GIF: what a stopped image shows (it also ends the MJPEG connection). */
export const BLANK_IMAGE = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

const RETRY_MS = 2000;
const SNAPSHOT_EVERY_MS = 1000;

type Source = { mode: 'mjpeg'; url: string } | { mode: 'snapshots'; url: string };

function fresh(url: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}t=${Date.now()}`;
}

export class StreamImage {
  private source: Source | null = null;
  private timer: number | undefined;

  constructor(readonly img: HTMLImageElement) {
    img.addEventListener('error', () => this.failed());
    img.addEventListener('load', () => this.loaded());
    if (!img.getAttribute('src')) img.src = BLANK_IMAGE;
  }

  get playing(): string | null {
    return this.source?.url ?? null;
  }

  /** Shows the MJPEG stream at `url` (nothing happens when it is already shown). */
  play(url: string): void {
    this.start({ mode: 'mjpeg', url });
  }

  /** Shows the snapshot at `url`, fetched again once a second (costs no lasting connection). */
  poll(url: string): void {
    this.start({ mode: 'snapshots', url });
  }

  /** Ends the connection: the image goes blank. */
  stop(): void {
    window.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.source) return;
    this.source = null;
    this.img.src = BLANK_IMAGE;
  }

  private start(source: Source): void {
    if (this.source && this.source.mode === source.mode && this.source.url === source.url) return;
    window.clearTimeout(this.timer);
    this.timer = undefined;
    this.source = source;
    this.img.src = source.mode === 'mjpeg' ? source.url : fresh(source.url);
  }

  private loaded(): void {
    const source = this.source;
    if (source?.mode !== 'snapshots') return;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => {
      if (this.source === source) this.img.src = fresh(source.url);
    }, SNAPSHOT_EVERY_MS);
  }

  /** The connection dropped (server restart, camera removed meanwhile…): try again after a moment. */
  private failed(): void {
    const source = this.source;
    if (!source) return;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => {
      if (this.source === source) this.img.src = fresh(source.url);
    }, RETRY_MS);
  }
}

import type { ServerResponse } from 'node:http';

export const MJPEG_BOUNDARY = 'frame';
export const MJPEG_CONTENT_TYPE = `multipart/x-mixed-replace; boundary=${MJPEG_BOUNDARY}`;

/**
 * The part header that precedes one JPEG in the multipart stream. `X-Camera-State` tells
 * clients that care whether the part is a camera frame (`live`) or the offline image (`offline`);
 * browsers ignore it.
 */
export function mjpegPartHeader(jpegLength: number, offline = false): Buffer {
  return Buffer.from(
    `--${MJPEG_BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpegLength}\r\nX-Camera-State: ${offline ? 'offline' : 'live'}\r\n\r\n`,
  );
}

const PART_TRAILER = Buffer.from('\r\n');

/**
 * One viewer of the MJPEG stream. A viewer whose socket is full (slow network, paused tab)
 * is skipped until it drains: its frames are dropped for it alone, and nothing queues in
 * server memory for it beyond the frame being written.
 */
export class MjpegViewer {
  private draining = false;
  sent = 0;
  skipped = 0;

  constructor(
    private readonly response: ServerResponse,
    /** Told about every frame sent (true) or skipped (false), for server-wide counters. */
    private readonly onOutcome: (sent: boolean) => void = () => undefined,
  ) {
    response.on('drain', () => (this.draining = false));
  }

  /** Writes the frame unless the viewer is still busy with the previous ones. */
  offer(jpeg: Buffer, offline = false): boolean {
    if (this.draining || this.response.writableEnded || this.response.destroyed) {
      this.skipped++;
      this.onOutcome(false);
      return false;
    }
    // One system call per part instead of three (it matters with dozens of viewers).
    this.response.cork();
    this.response.write(mjpegPartHeader(jpeg.length, offline));
    this.response.write(jpeg);
    const flushed = this.response.write(PART_TRAILER);
    process.nextTick(() => this.response.uncork());
    this.draining = !flushed;
    this.sent++;
    this.onOutcome(true);
    return true;
  }
}

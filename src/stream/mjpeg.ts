import type { ServerResponse } from 'node:http';

export const MJPEG_BOUNDARY = 'frame';
export const MJPEG_CONTENT_TYPE = `multipart/x-mixed-replace; boundary=${MJPEG_BOUNDARY}`;

/** The part header that precedes one JPEG in the multipart stream. */
export function mjpegPartHeader(jpegLength: number): Buffer {
  return Buffer.from(`--${MJPEG_BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpegLength}\r\n\r\n`);
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

  constructor(private readonly response: ServerResponse) {
    response.on('drain', () => (this.draining = false));
  }

  /** Writes the frame unless the viewer is still busy with the previous ones. */
  offer(jpeg: Buffer): boolean {
    if (this.draining || this.response.writableEnded || this.response.destroyed) {
      this.skipped++;
      return false;
    }
    this.response.write(mjpegPartHeader(jpeg.length));
    this.response.write(jpeg);
    const flushed = this.response.write(PART_TRAILER);
    this.draining = !flushed;
    this.sent++;
    return true;
  }
}

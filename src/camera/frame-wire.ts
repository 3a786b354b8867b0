import { allocateSharedFrame } from '../common/collect-shared-frames';

/**
 * How raw frames travel from the capture process to the server: a fixed 40-byte header,
 * then width x height x 3 bytes of packed BGR. Control messages use the IPC channel.
 */
export const FRAME_MAGIC = 0x46524d31; // "FRM1"
export const FRAME_HEADER_BYTES = 40;
/** Refuse absurd sizes from a corrupt stream rather than allocating them. */
const MAX_FRAME_PIXELS = 64_000_000;

export interface WireFrame {
  position: number;
  capturedAt: number;
  readMs: number;
  skipped: number;
  /** Frames the decoder could not read (corrupt data) and skipped since the previous frame sent. */
  corrupt: number;
  width: number;
  height: number;
  data: Uint8Array;
}

export function encodeFrameHeader(frame: Omit<WireFrame, 'data' | 'corrupt'> & { corrupt?: number }): Buffer {
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header.writeUInt32LE(FRAME_MAGIC, 0);
  header.writeUInt32LE(frame.width, 4);
  header.writeUInt32LE(frame.height, 8);
  header.writeUInt32LE(frame.position >>> 0, 12);
  header.writeUInt32LE(frame.skipped >>> 0, 16);
  header.writeDoubleLE(frame.capturedAt, 20);
  header.writeDoubleLE(frame.readMs, 28);
  header.writeUInt32LE((frame.corrupt ?? 0) >>> 0, 36);
  return header;
}

/**
 * Reassembles frames from stream chunks of any size with one copy per frame: the payload is
 * written straight into the frame's own (shared) buffer as chunks arrive. Nothing writes to a
 * frame's pixels after that: OpenCV copies them into its own Mat before drawing on them.
 */
export class FrameParser {
  private header = Buffer.alloc(FRAME_HEADER_BYTES);
  private headerFilled = 0;
  private current?: Omit<WireFrame, 'data'> & { data: Buffer; filled: number };

  constructor(private readonly onFrame: (frame: WireFrame) => void) {}

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.current) {
        const n = Math.min(FRAME_HEADER_BYTES - this.headerFilled, chunk.length - offset);
        chunk.copy(this.header, this.headerFilled, offset, offset + n);
        this.headerFilled += n;
        offset += n;
        if (this.headerFilled === FRAME_HEADER_BYTES) this.startFrame();
        continue;
      }
      const frame = this.current;
      const n = Math.min(frame.data.length - frame.filled, chunk.length - offset);
      chunk.copy(frame.data, frame.filled, offset, offset + n);
      frame.filled += n;
      offset += n;
      if (frame.filled === frame.data.length) {
        this.current = undefined;
        const { filled: _filled, data, ...meta } = frame;
        this.onFrame({ ...meta, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
      }
    }
  }

  private startFrame(): void {
    this.headerFilled = 0;
    const h = this.header;
    if (h.readUInt32LE(0) !== FRAME_MAGIC) throw new Error('capture stream out of sync (bad frame header)');
    const width = h.readUInt32LE(4);
    const height = h.readUInt32LE(8);
    if (width === 0 || height === 0 || width * height > MAX_FRAME_PIXELS) throw new Error(`capture stream sent a ${width}x${height} frame`);
    this.current = {
      width,
      height,
      position: h.readUInt32LE(12),
      skipped: h.readUInt32LE(16),
      capturedAt: h.readDoubleLE(20),
      readMs: h.readDoubleLE(28),
      corrupt: h.readUInt32LE(36),
      // Shared memory: posting the frame to the vision thread (detection, the check of tracked
      // faces, drawing) then shares these pixels instead of cloning 2.7 MB per call.
      data: Buffer.from(allocateSharedFrame(width * height * 3).buffer),
      filled: 0,
    };
  }
}

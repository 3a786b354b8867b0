import type { OpenSession } from '../../src/camera/capture-events';
import { CaptureSession } from '../../src/camera/capture-session';
import { FfmpegSession } from '../../src/camera/ffmpeg/ffmpeg-session';

/** Both capture backends, so every capture test runs against each of them. */
export const CAPTURE_BACKENDS: Array<[name: string, open: OpenSession]> = [
  ['ffmpeg', (source, options) => new FfmpegSession(source, options)],
  ['opencv', (source, options) => new CaptureSession(source, options)],
];

import { isAbsolute, resolve } from 'node:path';

export type CameraSource =
  | { kind: 'device'; index: number }
  | { kind: 'file'; path: string }
  | { kind: 'url'; url: string };

/** The bundled demo recording, used when `auto` finds no webcam. */
export const DEMO_VIDEO = resolve(__dirname, '..', '..', 'assets', 'demo-camera.mp4');

/**
 * Reads CAMERA_SOURCE: `auto`, a device index, a URL (rtsp://, http://, ...) or a file path.
 * `auto` means device 0 when /dev/video0 exists, otherwise the demo video.
 */
export function parseCameraSource(value: string, exists: (path: string) => boolean, cwd = process.cwd()): CameraSource {
  const text = value.trim();
  if (text === 'auto') return exists('/dev/video0') ? { kind: 'device', index: 0 } : { kind: 'file', path: DEMO_VIDEO };
  if (/^\d+$/.test(text)) return { kind: 'device', index: Number(text) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) && !text.toLowerCase().startsWith('file://')) return { kind: 'url', url: text };
  const path = text.toLowerCase().startsWith('file://') ? decodeURIComponent(text.slice('file://'.length)) : text;
  return { kind: 'file', path: isAbsolute(path) ? path : resolve(cwd, path) };
}

/** A printable description that never shows URL credentials. */
export function describeCameraSource(source: CameraSource): string {
  switch (source.kind) {
    case 'device':
      return `device ${source.index}`;
    case 'file':
      return `file ${source.path}`;
    case 'url':
      return `url ${source.url.replace(/\/\/[^@/]*@/, '//***@')}`;
  }
}

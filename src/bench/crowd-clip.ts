/**
 * A crowd camera for the many-cameras bench: the 1927 Solvay conference group photo (~29 faces,
 * shared test data) as a 1920x1080, 25 fps H.264 clip in which the view pans and zooms slowly, so
 * every face moves across the frame and changes size (12–18 faces in view, roughly 70–110 px
 * tall). Built with ffmpeg at bench time; nothing derived from the shared data is committed.
 *
 *   npm run bench -- cameras --make-crowd-clip /tmp/crowd.mp4 [--seconds 20]
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { runFfmpeg } from './run-ffmpeg';

export const CROWD_WIDTH = 1920;
export const CROWD_HEIGHT = 1080;
export const CROWD_FPS = 25;

/** The group photo, from the shared test data next to the project (../shared/testdata). */
export function crowdStill(): string {
  return resolve(__dirname, '..', '..', '..', 'shared', 'testdata', 'stills', 'solvay1927.jpg');
}

/**
 * The filter: the 2048x922 photo scaled to 3840 wide (3840x1728), a 2560x1440 (16:9) window that
 * pans sideways over 16 s and up and down over 11 s (cosine easing, so it never jumps), then a
 * centred zoom between 1x and 1.33x over 7 s, scaled to 1920x1080. The periods are fixed, so a
 * clip of any length moves the same way.
 */
export function crowdFilter(): string {
  const pan = `crop=w=2560:h=1440:x='(iw-ow)/2*(1-cos(2*PI*t/16))':y='(ih-oh)/2*(1-cos(2*PI*t/11))'`;
  const zoom = `zoompan=z='1+0.165*(1-cos(2*PI*on/${7 * CROWD_FPS}))':x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2':d=1:s=${CROWD_WIDTH}x${CROWD_HEIGHT}:fps=${CROWD_FPS}`;
  return `scale=3840:-2:flags=lanczos,${pan},${zoom},format=yuv420p`;
}

export function crowdClipArgs(still: string, outPath: string, seconds: number): string[] {
  const frames = Math.round(seconds * CROWD_FPS);
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-loop', '1', '-framerate', String(CROWD_FPS), '-i', still,
    '-vf', crowdFilter(),
    '-frames:v', String(frames), '-r', String(CROWD_FPS),
    '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-movflags', '+faststart',
    outPath,
  ];
}

export function makeCrowdClip(outPath: string, seconds = 20): Promise<void> {
  if (!(seconds > 0)) return Promise.reject(new Error(`seconds must be > 0, got ${seconds}`));
  mkdirSync(dirname(resolve(outPath)), { recursive: true });
  return runFfmpeg(crowdClipArgs(crowdStill(), resolve(outPath), seconds));
}

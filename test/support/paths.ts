import { resolve } from 'node:path';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');
/** Read-only shared test data (never copied into the repo). */
export const TESTDATA = resolve(PROJECT_ROOT, '..', 'shared', 'testdata');
export const DEMO_VIDEO = resolve(PROJECT_ROOT, 'assets', 'demo-camera.mp4');

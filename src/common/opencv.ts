/**
 * The one place the OpenCV binding is loaded. The environment switches must be set
 * before the first require (see the project NOTES): external-memory tracking crashes V8
 * with async calls, so Mats are released explicitly everywhere instead.
 */
process.env.OPENCV4NODEJS_DISABLE_EXTERNAL_MEM_TRACKING = '1';
process.env.OPENCV4NODEJS_DISABLE_AUTOBUILD = '1';
// A hung network source must not stall its thread for 30 s (value in microseconds).
process.env.OPENCV_FFMPEG_CAPTURE_OPTIONS ??= 'rw_timeout;5000000';

try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@u4/opencv-build').Log.silence = true;
} catch {
  /* the logger is optional */
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const cv: typeof import('@u4/opencv4nodejs').default = require('@u4/opencv4nodejs');
export type Mat = import('@u4/opencv4nodejs').Mat;

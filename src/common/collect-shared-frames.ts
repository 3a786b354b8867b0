import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'minor' | 'major' }) => void;

let collector: Collect | undefined;
function collect(): Collect {
  if (!collector) {
    setFlagsFromString('--expose-gc');
    collector = runInNewContext('gc') as Collect;
  }
  return collector;
}

/**
 * For a thread that receives frames in shared memory (SharedArrayBuffer) but allocates little
 * itself (the vision thread): nothing there prompts a garbage collection, and the tiny wrappers
 * of frames already done with keep 2.7 MB each alive (measured: peak RSS +120–160 MB for one
 * camera). A young-generation collection every `everyMs` (well under a millisecond with this
 * thread's small heap) lets them go: peak RSS back to 408–425 MB. Frames held longer than two
 * of those (queued while the thread is busy with other cameras) are promoted, and only a full
 * collection frees them: one every `majorEvery` young ones (without any, four cameras on an
 * overloaded machine grew the server past 1.8 GB in 20 s).
 */
export function collectSharedFramesEvery(everyMs: number, majorEvery = 25): void {
  const gc = collect();
  let ticks = 0;
  setInterval(() => gc({ type: ++ticks % majorEvery === 0 ? 'major' : 'minor' }), everyMs).unref();
}

/** Frame bytes allocated between young-generation collections, and between full ones. */
const MINOR_EVERY_BYTES = 32 * 1024 * 1024;
const MAJOR_EVERY_BYTES = 1024 * 1024 * 1024;
let sinceMinor = 0;
let sinceMajor = 0;

/**
 * A frame buffer in shared memory, for the thread that creates frames (the main thread). V8
 * does not count SharedArrayBuffer memory towards its collection heuristics, even in the
 * isolate that created it (measured: 2.7 MB frames at 100/s with nothing else allocating reach
 * 1.7 GB of RSS; plain ArrayBuffers stay under 100 MB). So collections are paced by the frame
 * bytes allocated instead: a young-generation one every 32 MB (most frames are done with
 * within a second), and a full one every 1 GB for frames kept long enough to be promoted (the
 * faces in view, queued frames). Full ones are synchronous: V8's incremental mode, asked for
 * this often, cost 0.2 cores on one camera; a synchronous one is a pause of a few ms.
 */
export function allocateSharedFrame(bytes: number): Uint8Array {
  sinceMinor += bytes;
  sinceMajor += bytes;
  if (sinceMajor >= MAJOR_EVERY_BYTES) {
    sinceMajor = 0;
    sinceMinor = 0;
    collect()({ type: 'major' });
  } else if (sinceMinor >= MINOR_EVERY_BYTES) {
    sinceMinor = 0;
    collect()({ type: 'minor' });
  }
  return new Uint8Array(new SharedArrayBuffer(bytes));
}

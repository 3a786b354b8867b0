/**
 * A thread for engines that need no OpenCV (Human): their inference then never holds up the
 * vision thread, which keeps drawing every frame. It must not load OpenCV (see vision-thread.ts).
 */
import { collectSharedFramesEvery } from '../../common/collect-shared-frames';
import { serveWorkerApi } from '../../common/worker-rpc';
import { engineHandlers } from './engine.handlers';

serveWorkerApi(engineHandlers);
// Frames come in shared memory: release the ones this thread is done with promptly.
collectSharedFramesEvery(200);

/**
 * The environment the server process should start with (`npm run start:prod` sets the same).
 * Frames are 2.7 MB buffers freed by garbage collection; glibc's malloc, once it has freed one
 * such block, raises its mmap threshold above the frame size and serves the next frames from its
 * heap, which it rarely returns to the system: four cameras then held 1.2–1.9 GB of RSS. A fixed
 * threshold keeps every frame its own mapping, returned when freed: 650–700 MB, same CPU.
 */
export const SERVER_MALLOC_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '131072' };

/** Domain errors of the camera registry; mapped to HTTP once, by DomainErrorFilter. */

export class CameraNotFoundError extends Error {
  readonly code = 'CAMERA_NOT_FOUND';
  constructor(readonly camera: string) {
    super(`no camera named "${camera}"`);
    this.name = 'CameraNotFoundError';
  }
}

/** The source could not be opened (or delivered nothing) when the camera was added or changed. */
export class CameraSourceError extends Error {
  readonly code = 'CAMERA_SOURCE_UNAVAILABLE';
  constructor(
    readonly camera: string,
    reason: string,
  ) {
    super(`camera "${camera}": the source cannot be opened: ${reason}`);
    this.name = 'CameraSourceError';
  }
}

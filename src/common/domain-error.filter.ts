import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { CameraConfigError } from '../cameras/camera-definition';
import { CameraNotFoundError, CameraSourceError } from '../cameras/camera-errors';
import { CameraExistsError } from '../cameras/cameras.repository';
import { NoRecognizableFaceError } from '../recognize/photo-faces';

/** Each domain error's HTTP answer: pure code throws these; this is the one place they become HTTP. */
const STATUS_OF: Array<[new (...args: never[]) => Error, HttpStatus]> = [
  [CameraConfigError, HttpStatus.BAD_REQUEST],
  [CameraNotFoundError, HttpStatus.NOT_FOUND],
  [CameraExistsError, HttpStatus.CONFLICT],
  [CameraSourceError, HttpStatus.UNPROCESSABLE_ENTITY],
  [NoRecognizableFaceError, HttpStatus.UNPROCESSABLE_ENTITY],
];

/** Maps domain errors to the API's JSON error shape `{ statusCode, message, error }`. */
@Catch(CameraConfigError, CameraNotFoundError, CameraExistsError, CameraSourceError, NoRecognizableFaceError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: Error, host: ArgumentsHost): void {
    const status = STATUS_OF.find(([type]) => error instanceof type)?.[1] ?? HttpStatus.INTERNAL_SERVER_ERROR;
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(status).json({ statusCode: status, message: error.message, error: reasonPhrase(status) });
  }
}

function reasonPhrase(status: HttpStatus): string {
  return (
    {
      [HttpStatus.BAD_REQUEST]: 'Bad Request',
      [HttpStatus.NOT_FOUND]: 'Not Found',
      [HttpStatus.CONFLICT]: 'Conflict',
      [HttpStatus.UNPROCESSABLE_ENTITY]: 'Unprocessable Entity',
    } as Record<number, string>
  )[status] ?? 'Internal Server Error';
}

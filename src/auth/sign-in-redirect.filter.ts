import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SignInRequiredException } from './access.guard';
import { loginPathFor } from './next-path';

/**
 * A browser opening a page (GET, wanting HTML) without a session goes to the login page, which
 * brings it back afterwards; everything else (API clients, the MJPEG <img>, fetch) gets 401 JSON.
 */
@Catch(SignInRequiredException)
export class SignInRedirectFilter implements ExceptionFilter {
  catch(error: SignInRequiredException, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      response.end();
      return;
    }
    if (wantsPage(request)) {
      response.redirect(HttpStatus.SEE_OTHER, loginPathFor(request.originalUrl, error.reason));
      return;
    }
    response.status(HttpStatus.UNAUTHORIZED).json({ statusCode: HttpStatus.UNAUTHORIZED, message: error.message, error: 'Unauthorized' });
  }
}

/** A browser navigation: GET or HEAD, and HTML preferred over JSON (fetch and <img> send no such preference). */
export function wantsPage(request: Request): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && request.accepts(['json', 'html']) === 'html';
}

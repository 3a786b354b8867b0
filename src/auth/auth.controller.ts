import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExcludeEndpoint, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AccessService } from './access.service';
import { LoginDto, SessionDto } from './auth.dto';
import { cameOverHttps, clearedSessionCookie, sessionCookie, sessionCookieFrom } from './cookies';
import { loginPage } from './login-page';
import { safeNextPath } from './next-path';
import { authOf } from './request-auth';

/** Signing in to the console with a key (a session cookie), signing out, and who is signed in. */
@ApiTags('access')
@Controller()
export class AuthController {
  constructor(private readonly access: AccessService) {}

  @Get('login')
  @ApiExcludeEndpoint()
  page(@Query('next') next: unknown, @Query('reason') reason: unknown, @Query('error') error: unknown, @Res() response: Response): void {
    const notice = typeof error === 'string' ? error : typeof reason === 'string' ? reason : undefined;
    response.setHeader('Cache-Control', 'no-store');
    response.type('html').send(loginPage(safeNextPath(next), notice));
  }

  @Post('auth/login')
  @ApiOperation({
    summary: 'Sign in with the admin or viewer key',
    description:
      'Sets an HTTP-only, SameSite=Lax session cookie for SESSION_TTL_HOURS. A form post (the login page) is sent on to `next` ' +
      '(a path on this site), or back to the login page when the key is wrong; a JSON post gets the session as JSON, or 401.',
  })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: SessionDto })
  @ApiUnauthorizedResponse({ description: 'Not a key of this server' })
  login(@Body() body: LoginDto, @Req() request: Request, @Res() response: Response): void {
    const fromForm = request.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';
    const next = safeNextPath(body.next);
    const role = this.access.roleForKey(body.key);
    if (!role) {
      if (fromForm) {
        const query = new URLSearchParams({ error: 'invalid', ...(next !== '/' ? { next } : {}) });
        response.redirect(HttpStatus.SEE_OTHER, `/login?${query}`);
      } else {
        response.status(HttpStatus.UNAUTHORIZED).json({ statusCode: 401, message: 'that is not a key of this server', error: 'Unauthorized' });
      }
      return;
    }
    const session = this.access.startSession(role);
    response.append('Set-Cookie', sessionCookie(session.token, { maxAgeSeconds: this.access.sessionTtlSeconds, secure: https(request) }));
    if (fromForm) {
      response.redirect(HttpStatus.SEE_OTHER, next);
      return;
    }
    const answer: SessionDto = { role, via: 'session', publicReads: this.access.options.publicReads, expiresAt: new Date(session.expires * 1000).toISOString() };
    response.status(HttpStatus.OK).json(answer);
  }

  @Post('auth/logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Sign out: ends the session (for good: a restart keeps it ended) and removes its cookie (a form post goes on to the login page)' })
  @ApiNoContentResponse({ description: 'Signed out' })
  async logout(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.access.endSession(sessionCookieFrom(request.headers.cookie));
    response.append('Set-Cookie', clearedSessionCookie(https(request)));
    if (request.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded' || !request.headers['content-type']) {
      if (request.accepts(['json', 'html']) === 'html') {
        response.redirect(HttpStatus.SEE_OTHER, '/login?reason=signed-out');
        return;
      }
    }
    response.status(HttpStatus.NO_CONTENT).end();
  }

  @Get('auth/session')
  @ApiOperation({ summary: 'Who is calling: the role of the key or session sent (anonymous without one)' })
  @ApiOkResponse({ type: SessionDto })
  session(@Req() request: Request): SessionDto {
    const { role, via, expires } = authOf(request);
    return { role, via, publicReads: this.access.options.publicReads, ...(expires ? { expiresAt: new Date(expires * 1000).toISOString() } : {}) };
  }
}

function https(request: Request): boolean {
  return cameOverHttps(request.secure, request.headers['x-forwarded-proto']);
}

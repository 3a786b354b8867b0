import { ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Request, Response } from 'express';

/** Never limited: viewers of the stream (one long request, plus snapshots), health probes and scrapers. */
const UNLIMITED_PATHS = ['/stream', '/health', '/metrics'];

/** The throttler that counts only requests changing data. */
export const WRITES_THROTTLER = 'writes';

/** The writes throttler skips requests that only read. */
export const RATE_LIMIT_WRITES_SKIP = (context: ExecutionContext): boolean =>
  ['GET', 'HEAD', 'OPTIONS'].includes(context.switchToHttp().getRequest<Request>().method);

/** One count per client and throttler across all routes (the library's default counts per route). */
export const rateLimitKey = (_context: ExecutionContext, tracker: string, throttlerName: string): string => `${throttlerName}:${tracker}`;

export function isRateLimited(path: string): boolean {
  return !UNLIMITED_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** @nestjs/throttler's guard, minus the unlimited routes, answering 429 in the API's error shape. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    return !isRateLimited(context.switchToHttp().getRequest<Request>().path);
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(seconds));
    const what = detail.key.startsWith(`${WRITES_THROTTLER}:`) ? 'requests that change data' : 'requests';
    throw new HttpException(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        message: `too many ${what}: at most ${detail.limit} per ${Math.round(detail.ttl / 1000)} s from one client; retry in ${seconds} s`,
        error: 'Too Many Requests',
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

import { HttpException } from '@nestjs/common';
import { describeError } from '../common/worker-rpc';

/** Exit codes: 0 done, 1 the command failed, 2 it was called wrongly (bad option, missing file or folder). */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure to report as one plain line (no stack) with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = EXIT_FAILURE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, EXIT_USAGE);

/** An HTTP refusal's message (the text an API client would get), or any error's. */
export function messageOf(err: unknown): string {
  if (err instanceof HttpException) {
    const response = err.getResponse();
    const message = typeof response === 'object' && response !== null && 'message' in response ? response.message : response;
    return Array.isArray(message) ? message.join('; ') : String(message);
  }
  return describeError(err);
}

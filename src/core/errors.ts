/**
 * An error caused by the user's input or environment rather than by a bug in syngan. The CLI
 * prints `message` and `hint` without a stack trace and exits with `exitCode`.
 */
export class SynganError extends Error {
  readonly hint?: string;
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SynganError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Formats an error for a terminal or notebook: the message, then the hint on its own line. */
export function formatError(error: unknown): string {
  if (error instanceof SynganError) {
    return error.hint ? `${error.message}\n  hint: ${error.hint}` : error.message;
  }
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}

/** An error answer of the taskfleet API: its status, code and the fields it names. */
export class TaskfleetApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: readonly { field: string; message: string }[] = [],
    /** What the server's `Retry-After` asked for (429, 503), in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'TaskfleetApiError';
  }
}

/**
 * The API could not be reached (refused, DNS, reset) or did not answer within
 * the request timeout. `url` is the API's base URL, for messages like
 * "cannot reach http://127.0.0.1:3000".
 */
export class TaskfleetConnectionError extends Error {
  constructor(
    readonly url: string,
    readonly reason: 'unreachable' | 'timeout',
    options?: { cause?: unknown },
  ) {
    super(reason === 'timeout' ? `no answer from ${url} in time` : `cannot reach ${url}: ${describeCause(options?.cause)}`, options);
    this.name = 'TaskfleetConnectionError';
  }
}

/** undici's "fetch failed" hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`. */
function describeCause(cause: unknown): string {
  const inner = (cause as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return inner?.code ?? inner?.message ?? (cause instanceof Error ? cause.message : String(cause));
}

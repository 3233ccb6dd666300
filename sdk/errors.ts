/**
 * The SDK's errors, one class per kind of failure, all under `TaskfleetError`
 * (modelled on Powertools' errors.ts). The SDK throws nothing else: an answer
 * of the API becomes a `TaskfleetApiError` subclass chosen by its status and
 * code, an unreachable API a `TaskfleetConnectionError`, a wait that runs out a
 * `TimeoutError`. (An `AbortSignal` you pass in rejects with its own reason.)
 */

/**
 * Every `code` a taskfleet error carries: the API's codes (shared/errors.ts on
 * the server, mirrored here so the SDK imports nothing of the server), the
 * gateway's, and the SDK's own. A server newer than this SDK may send a code
 * not listed yet; it still arrives in `code`.
 *
 * @example
 * ```ts
 * if (error instanceof TaskfleetError && error.code === 'stale_lease') console.log('lease lost');
 * ```
 */
export type ErrorCode =
  // 400, 413, 422: bad input, each wrong field named in `fields`
  | 'invalid_request'
  | 'malformed_json'
  | 'payload_too_large'
  | 'no_pool_for_capabilities'
  | 'no_agent_can_run'
  | 'exceeds_pool_limit'
  // 401, 403
  | 'unauthorized'
  | 'forbidden'
  // 404
  | 'not_found'
  | 'no_such_route'
  // 409
  | 'duplicate_id'
  | 'stale_lease'
  | 'already_terminal'
  | 'schedule_ended'
  | 'schedule_busy'
  | 'too_many_webhooks'
  // 429, 5xx
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'internal'
  /** Any other non-2xx answer without a code of its own. */
  | 'http_error'
  // the SDK's own
  | 'connection_failed'
  | 'connection_timeout'
  | 'wait_timeout'
  | 'invalid_signature';

/**
 * One wrong field of a refused request.
 *
 * @example
 * ```ts
 * for (const { field, message } of error.fields) console.log(`${field}: ${message}`);
 * ```
 */
export interface FieldError {
  /** Dotted path of the field, e.g. `priority`, `tasks.3.requires`. */
  readonly field: string;
  /** What is wrong with it. */
  readonly message: string;
}

/**
 * The base of every error the SDK throws: catch this to catch them all.
 *
 * @example
 * ```ts
 * try {
 *   await client.tasks.get('t1');
 * } catch (error) {
 *   if (error instanceof TaskfleetError) console.log(error.code, error.message);
 * }
 * ```
 */
export class TaskfleetError extends Error {
  /** A stable, machine-readable reason: see {@link ErrorCode}. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * An error answer of the API (a 4xx or 5xx): its status, code, the fields it
 * names and what `Retry-After` asked for. Thrown as the subclass that fits the
 * status (`NotFoundError`, `ConflictError` …), so `instanceof TaskfleetApiError`
 * catches every refusal of the API.
 *
 * @example
 * ```ts
 * try {
 *   await client.tasks.submit({ type: 'resize', priority: 'urgent' as never });
 * } catch (error) {
 *   if (error instanceof TaskfleetApiError) console.log(error.status, error.code, error.fields);
 * }
 * ```
 */
export class TaskfleetApiError extends TaskfleetError {
  /** The HTTP status of the answer. */
  readonly status: number;
  /** Each wrong field, for a refused request (400, 413, 422); empty otherwise. */
  readonly fields: readonly FieldError[];
  /** What the server asked to wait before a retry (`Retry-After` on a 429 or 503), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(status: number, code: ErrorCode | string, message: string, fields: readonly FieldError[] = [], retryAfterMs?: number) {
    // A code this SDK does not know yet is passed on as the server sent it.
    super(code as ErrorCode, `${status} ${code}: ${message}`);
    this.status = status;
    this.fields = fields;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * 400, 413 or 422: the request was refused as it is; `fields` names each wrong
 * field. Sending it again unchanged will not help.
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof ValidationError) console.log(error.fields.map((f) => f.field));
 * }
 * ```
 */
export class ValidationError extends TaskfleetApiError {}

/**
 * 401: no token, or one the API does not know (revoked, mistyped, another stack's).
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof UnauthorizedError) console.log('check TASKFLEET_TOKEN');
 * }
 * ```
 */
export class UnauthorizedError extends TaskfleetApiError {}

/**
 * 403: the token is valid but may not do this (e.g. an operator-only route).
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof ForbiddenError) console.log('needs an operator token');
 * }
 * ```
 */
export class ForbiddenError extends TaskfleetApiError {}

/**
 * 404: no such task, job, schedule, webhook or agent (in this tenant), or no such route.
 *
 * @example
 * ```ts
 * const task = await client.tasks.get(id).catch((error) => {
 *   if (error instanceof NotFoundError) return undefined;
 *   throw error;
 * });
 * ```
 */
export class NotFoundError extends TaskfleetApiError {}

/**
 * 409: the request clashes with the current state; `code` says how
 * (`already_terminal`, `stale_lease`, `duplicate_id` …).
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof ConflictError && error.code === 'already_terminal') console.log('already finished');
 * }
 * ```
 */
export class ConflictError extends TaskfleetApiError {}

/**
 * 429: too many requests. `retryAfterMs` says how long to wait when the server
 * said so. Idempotent calls are retried on it before it reaches you.
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof RateLimitedError) await sleep(error.retryAfterMs ?? 1000);
 * }
 * ```
 */
export class RateLimitedError extends TaskfleetApiError {}

/**
 * 503: a dependency of the API (queue, table) could not take the request, or
 * it ran out of time; nothing half-done was kept, so a retry (with the same
 * ids or idempotencyKeys) is safe. `retryAfterMs` as the server asked.
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof UnavailableError) console.log(`retry in ${error.retryAfterMs ?? 1000} ms`);
 * }
 * ```
 */
export class UnavailableError extends TaskfleetApiError {}

/**
 * Any other 5xx: a fault of the server (its log has the details).
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof InternalServerError) console.log('report this', error.status);
 * }
 * ```
 */
export class InternalServerError extends TaskfleetApiError {}

/**
 * The API could not be reached (refused, DNS, reset: `reason: 'unreachable'`)
 * or did not answer within the request timeout (`reason: 'timeout'`). The
 * underlying fetch error is its `cause`.
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof TaskfleetConnectionError) console.log(`cannot reach ${error.url} (${error.reason})`);
 * }
 * ```
 */
export class TaskfleetConnectionError extends TaskfleetError {
  /** The API's base URL, for messages like "cannot reach http://127.0.0.1:3000". */
  readonly url: string;
  /** Whether the API was unreachable or answered too late. */
  readonly reason: 'unreachable' | 'timeout';

  constructor(url: string, reason: 'unreachable' | 'timeout', options?: { cause?: unknown }) {
    super(
      reason === 'timeout' ? 'connection_timeout' : 'connection_failed',
      reason === 'timeout' ? `no answer from ${url} in time` : `cannot reach ${url}: ${describeCause(options?.cause)}`,
      options,
    );
    this.url = url;
    this.reason = reason;
  }
}

/**
 * A wait (`client.tasks.wait`, `client.jobs.wait`) reached its `timeoutMs`
 * before the task or job finished. The task or job keeps running; `last` is
 * its view when the wait gave up.
 *
 * @example
 * ```ts
 * try {
 *   await client.tasks.wait(id, { timeoutMs: 60_000 });
 * } catch (error) {
 *   if (error instanceof TimeoutError) console.log('still', (error.last as TaskView).status);
 * }
 * ```
 */
export class TimeoutError extends TaskfleetError {
  /** The last view read before giving up. */
  readonly last: unknown;

  constructor(message: string, last: unknown) {
    super('wait_timeout', message);
    this.last = last;
  }
}

/** undici's "fetch failed" hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`. */
function describeCause(cause: unknown): string {
  const inner = (cause as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return inner?.code ?? inner?.message ?? (cause instanceof Error ? cause.message : String(cause));
}

/** An error answer's body, `{ error: { code, message, fields?, retryAfterSeconds? } }`, or a gateway's `{ message }`. */
interface ErrorBody {
  readonly error?: { readonly code?: string; readonly message?: string; readonly fields?: readonly FieldError[]; readonly retryAfterSeconds?: number };
  readonly message?: string;
}

type ApiErrorClass = new (status: number, code: string, message: string, fields?: readonly FieldError[], retryAfterMs?: number) => TaskfleetApiError;

/** The class of an answer: by status first (it is what gateways set too), then by code. */
export function apiErrorClass(status: number): ApiErrorClass {
  if (status === 400 || status === 413 || status === 422) return ValidationError;
  if (status === 401) return UnauthorizedError;
  if (status === 403) return ForbiddenError;
  if (status === 404) return NotFoundError;
  if (status === 409) return ConflictError;
  if (status === 429) return RateLimitedError;
  if (status === 503) return UnavailableError;
  if (status >= 500) return InternalServerError;
  return TaskfleetApiError;
}

const CODE_OF_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  429: 'rate_limited',
  503: 'unavailable',
  500: 'internal',
};

/**
 * The error an answer stands for: the class fits the status, `code` is the
 * body's (or, from a gateway that sends none, the status's), and the retry
 * delay comes from `Retry-After` or else the body's `retryAfterSeconds`.
 */
export function toApiError(status: number, body: unknown, retryAfterMs: number | undefined): TaskfleetApiError {
  const parsed = (typeof body === 'object' && body !== null ? body : {}) as ErrorBody;
  const error = parsed.error;
  const code = error?.code ?? CODE_OF_STATUS[status] ?? 'http_error';
  const message = error?.message ?? parsed.message ?? 'request failed';
  const fromBody = typeof error?.retryAfterSeconds === 'number' ? error.retryAfterSeconds * 1000 : undefined;
  const ErrorClass = apiErrorClass(status);
  return new ErrorClass(status, code, message, error?.fields ?? [], retryAfterMs ?? fromBody);
}

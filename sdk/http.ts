import type { ClientOptions } from './client.js';
import { TaskfleetApiError, TaskfleetConnectionError, toApiError } from './errors.js';

/**
 * When a call is tried again: on 429, 5xx, network errors and timeouts, with
 * exponential backoff and full jitter, never sooner than `Retry-After` asks.
 * Only calls that are safe to repeat are ever retried.
 *
 * @example
 * ```ts
 * const client = new TaskfleetClient({ url, token, retry: { retries: 8, maxDelayMs: 30_000 } });
 * ```
 */
export interface RetryPolicy {
  /** Tries after the first. @default 4 */
  readonly retries?: number;
  /** The first backoff's ceiling; each retry doubles it. @default 250 */
  readonly baseDelayMs?: number;
  /** No backoff (nor Retry-After) waits longer than this. @default 10000 */
  readonly maxDelayMs?: number;
}

/** The HTTP settings of a client from its options, defaults filled in (shared by every client class). */
export function httpOptions(options: ClientOptions): HttpOptions {
  return {
    url: options.url.replace(/\/+$/, ''),
    token: options.token,
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: options.timeoutMs ?? 30_000,
    retry: options.retry ?? {},
  };
}

export interface HttpOptions {
  readonly url: string;
  readonly token: string;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy | false;
}

export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  /** Safe to send twice: GETs, and POSTs that carry an idempotencyKey. */
  readonly idempotent: boolean;
  /** Statuses besides 2xx that are answers, not errors (e.g. 400 of a partly refused batch). */
  readonly alsoOk?: readonly number[];
  /** Added to the timeout, for long polls. */
  readonly extraTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** 429 and 5xx mean "not now"; the other 4xx will not change on a retry. */
const RETRYABLE_STATUS = (status: number): boolean => status === 429 || status >= 500;

/**
 * One HTTP call with a timeout; idempotent calls are retried on 429, 5xx,
 * network errors and timeouts, with exponential backoff and full jitter (so
 * many clients do not retry in step), waiting at least what `Retry-After` asks.
 */
export async function send<T>(options: HttpOptions, request: HttpRequest): Promise<{ status: number; body: T }> {
  const retries = request.idempotent && options.retry !== false ? (options.retry.retries ?? 4) : 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await sendOnce<T>(options, request);
    } catch (error) {
      if (request.signal?.aborted === true || !isRetryable(error) || attempt >= retries) throw error;
      const retryAfterMs = error instanceof TaskfleetApiError ? error.retryAfterMs : undefined;
      await sleep(backoffMs(options.retry || {}, attempt, retryAfterMs), request.signal);
    }
  }
}

const isRetryable = (error: unknown): boolean =>
  error instanceof TaskfleetConnectionError || (error instanceof TaskfleetApiError && RETRYABLE_STATUS(error.status));

/**
 * The wait before retry number `attempt + 1`, in ms. Full jitter: a random wait
 * up to base × 2^attempt, capped at `maxDelayMs`; never less than `retryAfterMs`
 * (what `Retry-After` asked), itself capped.
 *
 * @example
 * ```ts
 * backoffMs({ baseDelayMs: 100 }, 3); // somewhere in 0 … 800
 * ```
 */
export function backoffMs(policy: RetryPolicy, attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const max = policy.maxDelayMs ?? 10_000;
  const ceiling = Math.min(max, (policy.baseDelayMs ?? 250) * 2 ** attempt);
  const jittered = Math.round(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.min(max, Math.max(retryAfterMs, jittered));
}

/** `Retry-After` as seconds or an HTTP date, in ms from now. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

async function sendOnce<T>(options: HttpOptions, request: HttpRequest): Promise<{ status: number; body: T }> {
  const timeout = AbortSignal.timeout(options.timeoutMs + (request.extraTimeoutMs ?? 0));
  const signal = request.signal === undefined ? timeout : AbortSignal.any([timeout, request.signal]);
  let response: Response;
  let text: string;
  try {
    response = await options.fetch(`${options.url}${request.path}`, {
      method: request.method,
      headers: {
        authorization: `Bearer ${options.token}`,
        ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      signal,
    });
    text = await response.text();
  } catch (error) {
    if (request.signal?.aborted === true) throw error;
    throw new TaskfleetConnectionError(options.url, timeout.aborted ? 'timeout' : 'unreachable', { cause: error });
  }
  const parsed = parseBody(text);
  if (!response.ok && !(request.alsoOk ?? []).includes(response.status)) {
    throw toApiError(response.status, parsed, parseRetryAfter(response.headers.get('retry-after')));
  }
  return { status: response.status, body: parsed as T };
}

function parseBody(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return { message: text };
  }
}

/** Waits `ms`, or less when `signal` aborts (then throws its reason). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

import { TimeoutError } from './errors.js';
import { sleep } from './http.js';

/**
 * How `client.tasks.wait` and `client.jobs.wait` poll.
 *
 * @example
 * ```ts
 * await client.tasks.wait(id, { timeoutMs: 60_000, onUpdate: (task) => console.log(task.status) });
 * ```
 */
export interface WaitOptions<V> {
  /** Between two reads, in ms. @default 500 for a task, 1000 for a job */
  readonly intervalMs?: number;
  /** Throws a `TimeoutError` after this long, in ms; the task or job keeps running. @default no limit */
  readonly timeoutMs?: number;
  /** Called with the first view, then only when it changed (status, attempts, progress, counts …). @default none */
  readonly onUpdate?: (view: V) => void;
  /** Stops the wait: it rejects with the signal's reason. @default none */
  readonly signal?: AbortSignal;
}

/** Reads until `done`, reporting changes; a `TimeoutError` once `timeoutMs` has passed. */
export async function poll<V>(
  read: () => Promise<V>,
  done: (view: V) => boolean,
  fingerprint: (view: V) => string,
  what: string,
  options: WaitOptions<V> & { intervalMs: number },
): Promise<V> {
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  let last: string | undefined;
  for (;;) {
    const view = await read();
    const seen = fingerprint(view);
    if (seen !== last) options.onUpdate?.(view);
    last = seen;
    if (done(view)) return view;
    if (Date.now() > deadline) throw new TimeoutError(`${what} not finished after ${options.timeoutMs} ms`, view);
    await sleep(options.intervalMs, options.signal);
  }
}

/** `?name=value&…` of the defined values; '' when none. */
export function queryString(query: Readonly<Record<string, string | number | undefined>>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

/** A path segment, escaped. */
export const seg = (value: string): string => encodeURIComponent(value);

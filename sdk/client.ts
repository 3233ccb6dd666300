import { send, sleep, type HttpOptions, type HttpRequest, type RetryPolicy } from './http.js';
import {
  isTerminalStatus,
  type AnyTasks,
  type BatchItem,
  type DeadLetterView,
  type Json,
  type JobStatus,
  type JobView,
  type LeasedTask,
  type Page,
  type PayloadOf,
  type Priority,
  type RegisteredWorker,
  type RegisterWorker,
  type ResultOf,
  type Stats,
  type RateLimitView,
  type SubmitJob,
  type SubmitTask,
  type Submitted,
  type TaskId,
  type TaskMap,
  type TaskStatus,
  type TaskSummary,
  type TaskType,
  type TaskView,
} from './types.js';

// Kept importable from here for code written before types.ts.
export type { BatchItem, DeadLetterView, JobView, LeasedTask, RegisteredWorker, RegisterWorker, SubmitJob, SubmitTask, Submitted } from './types.js';

export interface ClientOptions {
  /** e.g. http://127.0.0.1:3000 or the stack's ApiUrl. */
  readonly url: string;
  readonly token: string;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Per request (a lease's long poll gets its wait on top). @default 30000 */
  readonly timeoutMs?: number;
  /** Retries of idempotent calls (GETs, submits with an idempotencyKey); `false` for none. @default 4 retries, 250 ms base, 10 s cap */
  readonly retry?: RetryPolicy | false;
}

export interface WaitOptions<V> {
  /** @default 500 (tasks), 1000 (jobs) */
  readonly intervalMs?: number;
  /** Throws after this long; the task or job keeps running. */
  readonly timeoutMs?: number;
  /** Called with the first view, then only when it changed (status, attempts, progress, counts …). */
  readonly onUpdate?: (view: V) => void;
  readonly signal?: AbortSignal;
}

const JOB_DONE: readonly JobStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

/**
 * A typed client of the taskfleet HTTP API. Every method throws TaskfleetApiError
 * on a 4xx/5xx answer and TaskfleetConnectionError when the API cannot be reached.
 * `T` maps task types to their payload and result (see `TaskMap`).
 */
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

export class TaskfleetClient<T extends TaskMap = AnyTasks> {
  private readonly http: HttpOptions;

  constructor(options: ClientOptions) {
    this.http = httpOptions(options);
  }

  /** The API's base URL, e.g. for messages. */
  get url(): string {
    return this.http.url;
  }

  /** Retried on 429/5xx/network errors only when it carries an idempotencyKey. */
  async submit<K extends TaskType<T>>(task: SubmitTask<T, K>): Promise<Submitted<K>> {
    const { status, body } = await this.request<Omit<Submitted<K>, 'created'>>({ method: 'POST', path: '/tasks', body: task, idempotent: task.idempotencyKey !== undefined });
    return { ...body, created: status === 202 };
  }

  /** Up to 500 tasks; each item is accepted or refused on its own. Retried only when every task has an idempotencyKey. */
  async submitBatch(tasks: readonly SubmitTask<T>[]): Promise<{ accepted: number; rejected: number; items: BatchItem[] }> {
    const idempotent = tasks.every((t) => t.idempotencyKey !== undefined);
    return (await this.request<{ accepted: number; rejected: number; items: BatchItem[] }>({ method: 'POST', path: '/tasks/batch', body: { tasks }, idempotent, alsoOk: [400] })).body;
  }

  /** A task; `include` inlines a payload or result kept in the values bucket (over 8 KiB). */
  async get<K extends TaskType<T> = TaskType<T>>(id: TaskId<K>, options: { include?: 'payload' | 'result' | 'payload,result' } = {}): Promise<TaskView<PayloadOf<T, K>, ResultOf<T, K>>> {
    const query = options.include !== undefined ? `?include=${options.include}` : '';
    return (await this.request<TaskView<PayloadOf<T, K>, ResultOf<T, K>>>({ method: 'GET', path: `/tasks/${encodeURIComponent(id)}${query}`, idempotent: true })).body;
  }

  async list(query: { status?: TaskStatus; pool?: string; type?: string; limit?: number; cursor?: string } = {}): Promise<Page<TaskSummary>> {
    return (await this.request<Page<TaskSummary>>({ method: 'GET', path: `/tasks${queryString(query)}`, idempotent: true })).body;
  }

  /** Every matching task, page by page. */
  async *listAll(query: { status?: TaskStatus; pool?: string; type?: string } = {}): AsyncGenerator<TaskSummary> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...query, limit: 100, ...(cursor !== undefined ? { cursor } : {}) });
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }

  async cancel(id: string): Promise<TaskView> {
    return (await this.request<TaskView>({ method: 'DELETE', path: `/tasks/${encodeURIComponent(id)}`, idempotent: false })).body;
  }

  /** Polls until the task is COMPLETED, FAILED, CANCELLED or EXPIRED and returns it. */
  async wait<K extends TaskType<T> = TaskType<T>>(id: TaskId<K>, options: WaitOptions<TaskView<PayloadOf<T, K>, ResultOf<T, K>>> = {}): Promise<TaskView<PayloadOf<T, K>, ResultOf<T, K>>> {
    return poll(() => this.get<K>(id), (t) => isTerminalStatus(t.status), taskChange, `task ${id}`, { intervalMs: 500, ...options });
  }

  async stats(): Promise<Stats> {
    return (await this.request<Stats>({ method: 'GET', path: '/stats', idempotent: true })).body;
  }

  // ── rate limits ───────────────────────────────────────────────────────────

  /** At most `limit` tasks of `type` start per `per` (`'1s'`, `'10m'`, `'1h'`); the rest wait, never fail. */
  async setRateLimit(type: string, limit: number, per: string): Promise<RateLimitView> {
    return (await this.request<RateLimitView>({ method: 'PUT', path: `/rate-limits/${encodeURIComponent(type)}`, body: { limit, per }, idempotent: true })).body;
  }

  async rateLimits(): Promise<RateLimitView[]> {
    return (await this.request<{ items: RateLimitView[] }>({ method: 'GET', path: '/rate-limits', idempotent: true })).body.items;
  }

  async removeRateLimit(type: string): Promise<void> {
    await this.request({ method: 'DELETE', path: `/rate-limits/${encodeURIComponent(type)}`, idempotent: false });
  }

  // ── jobs ──────────────────────────────────────────────────────────────────

  /**
   * A map-reduce job: one child per item, then the reduce (and `then`) over their
   * results. Answered before the children exist (they are written asynchronously);
   * with an `idempotencyKey` it is retried, and a replay returns the same job.
   */
  async submitJob(job: SubmitJob<T>): Promise<{ id: string; status: JobStatus; total: number; pool: string }> {
    return (await this.request<{ id: string; status: JobStatus; total: number; pool: string }>({ method: 'POST', path: '/jobs', body: job, idempotent: job.idempotencyKey !== undefined })).body;
  }

  /** A job; `include: 'result'` inlines a final result kept in the values bucket (over 8 KiB). */
  async getJob(id: string, options: { include?: 'result' } = {}): Promise<JobView> {
    const query = options.include !== undefined ? `?include=${options.include}` : '';
    return (await this.request<JobView>({ method: 'GET', path: `/jobs/${encodeURIComponent(id)}${query}`, idempotent: true })).body;
  }

  async cancelJob(id: string): Promise<JobView & { cancelled: number }> {
    return (await this.request<JobView & { cancelled: number }>({ method: 'DELETE', path: `/jobs/${encodeURIComponent(id)}`, idempotent: false })).body;
  }

  /**
   * Polls until the job is COMPLETED, FAILED or CANCELLED. The job it returns
   * has its result, however large: one kept by reference is read once, at the end.
   */
  async waitForJob(id: string, options: WaitOptions<JobView> = {}): Promise<JobView> {
    const done = await poll(() => this.getJob(id), (j) => JOB_DONE.includes(j.status), jobChange, `job ${id}`, { intervalMs: 1000, ...options });
    return done.resultRef !== undefined ? this.getJob(id, { include: 'result' }) : done;
  }

  // ── dead letters ──────────────────────────────────────────────────────────

  /** The tenant's dead letters (left in place). */
  async deadLetters(query: { pool?: string; priority?: Priority; limit?: number } = {}): Promise<DeadLetterView[]> {
    return (await this.request<{ letters: DeadLetterView[] }>({ method: 'GET', path: `/dlq${queryString(query)}`, idempotent: true })).body.letters;
  }

  /** Replays dead letters: FAILED tasks get fresh attempts and go back on their queue. */
  async redrive(request: { pool?: string; priority?: Priority; taskIds?: readonly string[]; max?: number } = {}): Promise<{ redriven: string[]; dropped: string[] }> {
    return (await this.request<{ redriven: string[]; dropped: string[] }>({ method: 'POST', path: '/dlq/redrive', body: request, idempotent: false })).body;
  }

  // ── for agents ────────────────────────────────────────────────────────────

  /** Registers an agent: its capabilities and what it can run at once. */
  async registerWorker(agent: RegisterWorker): Promise<RegisteredWorker> {
    return (await this.request<RegisteredWorker>({ method: 'POST', path: '/workers', body: agent, idempotent: false })).body;
  }

  /**
   * Retried: a repeated heartbeat changes nothing. `running`: the tasks this agent
   * is running, so the server can take back a lease whose answer never reached it.
   */
  async heartbeatWorker(workerId: string, running?: readonly string[]): Promise<void> {
    await this.request({ method: 'POST', path: `/workers/${encodeURIComponent(workerId)}/heartbeat`, body: running !== undefined ? { running } : {}, idempotent: true });
  }

  /** Long-polls (up to `waitSeconds`, ≤ 20) for up to `max` tasks this agent can run now. */
  async lease(workerId: string, request: { max?: number; waitSeconds?: number } = {}): Promise<LeasedTask[]> {
    const extraTimeoutMs = (request.waitSeconds ?? 20) * 1000;
    return (await this.request<{ tasks: LeasedTask[] }>({ method: 'POST', path: `/workers/${encodeURIComponent(workerId)}/lease`, body: request, idempotent: false, extraTimeoutMs })).body.tasks;
  }

  /** Extends a lease by the task's timeout; throws a 409 TaskfleetApiError once the lease is lost. */
  async heartbeatTask(taskId: string, leaseToken: string): Promise<{ leaseExpiresAt: string }> {
    return (await this.request<{ leaseExpiresAt: string }>({ method: 'POST', path: `/tasks/${encodeURIComponent(taskId)}/heartbeat`, body: { leaseToken }, idempotent: true })).body;
  }

  async progress(taskId: string, leaseToken: string, fraction: number, message?: string): Promise<void> {
    const body = { leaseToken, fraction, ...(message !== undefined ? { message } : {}) };
    await this.request({ method: 'POST', path: `/tasks/${encodeURIComponent(taskId)}/progress`, body, idempotent: true });
  }

  async complete(taskId: string, leaseToken: string, result: Json): Promise<TaskView> {
    return (await this.request<TaskView>({ method: 'POST', path: `/tasks/${encodeURIComponent(taskId)}/complete`, body: { leaseToken, result }, idempotent: false })).body;
  }

  /** A failed attempt (`retryable: false` fails the task for good); `release: true` hands it back unrun. */
  async fail(taskId: string, leaseToken: string, error: string, options: { retryable?: boolean; release?: boolean } = {}): Promise<TaskView> {
    return (await this.request<TaskView>({ method: 'POST', path: `/tasks/${encodeURIComponent(taskId)}/fail`, body: { leaseToken, error, ...options }, idempotent: false })).body;
  }

  private request<R = unknown>(request: HttpRequest): Promise<{ status: number; body: R }> {
    return send<R>(this.http, request);
  }
}

function queryString(query: Readonly<Record<string, string | number | undefined>>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

/** What a watcher of a task cares about; a heartbeat alone is no change. */
const taskChange = (t: TaskView<unknown, unknown>): string => JSON.stringify([t.status, t.attempts, t.progress, t.error, t.result, t.worker]);
const jobChange = (j: JobView): string => JSON.stringify([j.status, j.completed, j.failed, j.cancelled, j.progress, j.stages]);

async function poll<V>(
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
    if (Date.now() > deadline) throw new Error(`${what} not finished after ${options.timeoutMs} ms`);
    await sleep(options.intervalMs, options.signal);
  }
}

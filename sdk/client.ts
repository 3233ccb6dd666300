import type { Priority } from '../shared/domain/priority.js';
import type { Json, Resources, TaskView } from '../shared/domain/task.js';
import { isTerminal, type TaskStatus } from '../shared/domain/task-status.js';
import type { Page, TaskSummary } from '../shared/ports/task-queries.js';
import type { Stats } from '../shared/services/get-stats.js';
import type { LeasedTask } from '../shared/services/agents.js';
import type { DeadLetter } from '../shared/ports/dead-letters.js';
import type { JobStatus } from '../shared/domain/job.js';
import type { JobView } from '../shared/services/jobs.js';
import { TaskfleetApiError } from './errors.js';

/** What `submit` takes; see the README for each field's limits. */
export interface SubmitTask {
  readonly type: string;
  readonly payload?: Json;
  readonly priority?: Priority;
  readonly requires?: readonly string[];
  readonly id?: string;
  readonly idempotencyKey?: string;
  readonly maxAttempts?: number;
  readonly timeoutSeconds?: number;
  readonly deadline?: string;
  readonly delaySeconds?: number;
  readonly resources?: Resources;
}

export interface Submitted {
  readonly id: string;
  readonly status: TaskStatus;
  readonly pool: string;
  readonly priority: Priority;
  /** false when an idempotencyKey replay returned an earlier task. */
  readonly created: boolean;
}

export type BatchItem =
  | { readonly index: number; readonly status: 200 | 202; readonly id: string; readonly taskStatus: TaskStatus; readonly pool: string; readonly priority: Priority }
  | { readonly index: number; readonly status: number; readonly error: { code: string; message: string; fields?: { field: string; message: string }[] } };

export interface SubmitJob {
  readonly map: { readonly type: string; readonly items: readonly Json[] };
  readonly reduce?: { readonly type: string };
  readonly then?: { readonly type: string };
  readonly priority?: Priority;
  readonly requires?: readonly string[];
  readonly failurePolicy?: { readonly maxFailedFraction: number };
}

export type { JobView } from '../shared/services/jobs.js';

export type DeadLetterView = Omit<DeadLetter, 'tenant'> & { readonly queue: string; readonly messageId: string };

export interface RegisterWorker {
  readonly name?: string;
  readonly capabilities: readonly string[];
  readonly capacity?: { readonly slots: number; readonly cpu?: number; readonly gpu?: number; readonly memoryMb?: number };
  readonly labels?: Readonly<Record<string, string>>;
}

export interface RegisteredWorker {
  readonly id: string;
  readonly heartbeatIntervalSeconds: number;
}

export type { LeasedTask } from '../shared/services/agents.js';

export interface ClientOptions {
  /** e.g. http://127.0.0.1:3000 or the stack's ApiUrl. */
  readonly url: string;
  readonly token: string;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** A typed client of the taskfleet HTTP API. Every method throws TaskfleetApiError on a 4xx/5xx. */
export class TaskfleetClient {
  private readonly url: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async submit(task: SubmitTask): Promise<Submitted> {
    const { status, body } = await this.request<Omit<Submitted, 'created'>>('POST', '/tasks', task);
    return { ...body, created: status === 202 };
  }

  /** Up to 500 tasks; each item is accepted or refused on its own. */
  async submitBatch(tasks: readonly SubmitTask[]): Promise<{ accepted: number; rejected: number; items: BatchItem[] }> {
    return (await this.request<{ accepted: number; rejected: number; items: BatchItem[] }>('POST', '/tasks/batch', { tasks }, [400])).body;
  }

  async get(id: string): Promise<TaskView> {
    return (await this.request<TaskView>('GET', `/tasks/${encodeURIComponent(id)}`)).body;
  }

  async list(query: { status?: TaskStatus; pool?: string; limit?: number; cursor?: string } = {}): Promise<Page<TaskSummary>> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
    const qs = params.toString();
    return (await this.request<Page<TaskSummary>>('GET', `/tasks${qs ? `?${qs}` : ''}`)).body;
  }

  /** Every matching task, page by page. */
  async *listAll(query: { status?: TaskStatus; pool?: string } = {}): AsyncGenerator<TaskSummary> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...query, limit: 100, ...(cursor !== undefined ? { cursor } : {}) });
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }

  async cancel(id: string): Promise<TaskView> {
    return (await this.request<TaskView>('DELETE', `/tasks/${encodeURIComponent(id)}`)).body;
  }

  /**
   * Polls until the task is COMPLETED, FAILED, CANCELLED or EXPIRED and returns
   * it; `onUpdate` sees every poll (for progress bars).
   */
  async wait(
    id: string,
    options: { intervalMs?: number; timeoutMs?: number; onUpdate?: (task: TaskView) => void; signal?: AbortSignal } = {},
  ): Promise<TaskView> {
    const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
    for (;;) {
      const task = await this.get(id);
      options.onUpdate?.(task);
      if (isTerminal(task.status)) return task;
      if (Date.now() > deadline) throw new Error(`task ${id} still ${task.status} after ${options.timeoutMs} ms`);
      options.signal?.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
    }
  }

  async stats(): Promise<Stats> {
    return (await this.request<Stats>('GET', '/stats')).body;
  }

  // ── jobs ──────────────────────────────────────────────────────────────────

  /** A map-reduce job: one child per item, then the reduce (and `then`) over their results. */
  async submitJob(job: SubmitJob): Promise<{ id: string; status: JobStatus; total: number; pool: string }> {
    return (await this.request<{ id: string; status: JobStatus; total: number; pool: string }>('POST', '/jobs', job)).body;
  }

  async getJob(id: string): Promise<JobView> {
    return (await this.request<JobView>('GET', `/jobs/${encodeURIComponent(id)}`)).body;
  }

  async cancelJob(id: string): Promise<JobView> {
    return (await this.request<JobView>('DELETE', `/jobs/${encodeURIComponent(id)}`)).body;
  }

  /** Polls until the job is COMPLETED, FAILED or CANCELLED. */
  async waitForJob(id: string, options: { intervalMs?: number; onUpdate?: (job: JobView) => void } = {}): Promise<JobView> {
    for (;;) {
      const job = await this.getJob(id);
      options.onUpdate?.(job);
      if (job.status === 'COMPLETED' || job.status === 'FAILED' || job.status === 'CANCELLED') return job;
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1000));
    }
  }

  // ── dead letters ──────────────────────────────────────────────────────────

  /** The tenant's dead letters (left in place). */
  async deadLetters(query: { pool?: string; priority?: Priority; limit?: number } = {}): Promise<DeadLetterView[]> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
    const qs = params.toString();
    return (await this.request<{ letters: DeadLetterView[] }>('GET', `/dlq${qs ? `?${qs}` : ''}`)).body.letters;
  }

  /** Replays dead letters: FAILED tasks get fresh attempts and go back on their queue. */
  async redrive(request: { pool?: string; priority?: Priority; taskIds?: readonly string[]; max?: number } = {}): Promise<{ redriven: string[]; dropped: string[] }> {
    return (await this.request<{ redriven: string[]; dropped: string[] }>('POST', '/dlq/redrive', request)).body;
  }

  // ── for agents ────────────────────────────────────────────────────────────

  /** Registers an agent: its capabilities and what it can run at once. */
  async registerWorker(agent: RegisterWorker): Promise<RegisteredWorker> {
    return (await this.request<RegisteredWorker>('POST', '/workers', agent)).body;
  }

  async heartbeatWorker(workerId: string): Promise<void> {
    await this.request('POST', `/workers/${encodeURIComponent(workerId)}/heartbeat`, {});
  }

  /** Long-polls (up to `waitSeconds`, ≤ 20) for up to `max` tasks this agent can run now. */
  async lease(workerId: string, request: { max?: number; waitSeconds?: number } = {}): Promise<LeasedTask[]> {
    return (await this.request<{ tasks: LeasedTask[] }>('POST', `/workers/${encodeURIComponent(workerId)}/lease`, request)).body.tasks;
  }

  /** Extends a lease by the task's timeout; throws a 409 TaskfleetApiError once the lease is lost. */
  async heartbeatTask(taskId: string, leaseToken: string): Promise<{ leaseExpiresAt: string }> {
    return (await this.request<{ leaseExpiresAt: string }>('POST', `/tasks/${encodeURIComponent(taskId)}/heartbeat`, { leaseToken })).body;
  }

  async progress(taskId: string, leaseToken: string, fraction: number, message?: string): Promise<void> {
    await this.request('POST', `/tasks/${encodeURIComponent(taskId)}/progress`, { leaseToken, fraction, ...(message !== undefined ? { message } : {}) });
  }

  async complete(taskId: string, leaseToken: string, result: Json): Promise<TaskView> {
    return (await this.request<TaskView>('POST', `/tasks/${encodeURIComponent(taskId)}/complete`, { leaseToken, result })).body;
  }

  /** A failed attempt (`retryable: false` fails the task for good); `release: true` hands it back unrun. */
  async fail(taskId: string, leaseToken: string, error: string, options: { retryable?: boolean; release?: boolean } = {}): Promise<TaskView> {
    return (await this.request<TaskView>('POST', `/tasks/${encodeURIComponent(taskId)}/fail`, { leaseToken, error, ...options })).body;
  }

  private async request<T>(method: string, path: string, body?: unknown, alsoOk: readonly number[] = []): Promise<{ status: number; body: T }> {
    const response = await this.fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.options.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = { message: text };
    }
    if (!response.ok && !alsoOk.includes(response.status)) throw toApiError(response.status, parsed);
    return { status: response.status, body: parsed as T };
  }
}

function toApiError(status: number, body: unknown): TaskfleetApiError {
  const error = (body as { error?: { code?: string; message?: string; fields?: { field: string; message: string }[] } } | undefined)?.error;
  if (error !== undefined) return new TaskfleetApiError(status, error.code ?? 'error', error.message ?? '', error.fields ?? []);
  const message = (body as { message?: string } | undefined)?.message ?? 'request failed';
  return new TaskfleetApiError(status, status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : 'http_error', message);
}

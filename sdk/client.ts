import { AgentsApi, LeasesApi } from './agents.js';
import { httpOptions, send, type HttpOptions, type RetryPolicy } from './http.js';
import { JobsApi, type SubmittedJob } from './jobs.js';
import { DeadLettersApi, RateLimitsApi } from './operations.js';
import type { WaitOptions } from './poll.js';
import { TaskfleetSchedules } from './schedules.js';
import { TasksApi, type BatchResult, type ListTasksQuery } from './tasks.js';
import { WebhooksApi } from './webhook-endpoints.js';
import type {
  AnyTasks,
  DeadLetterView,
  Json,
  JobView,
  LeasedTask,
  Page,
  PayloadOf,
  Priority,
  RateLimitView,
  RegisterAgent,
  RegisteredAgent,
  ResultOf,
  Stats,
  SubmitJob,
  SubmitTask,
  Submitted,
  TaskId,
  TaskMap,
  TaskSummary,
  TaskType,
  TaskView,
} from './types.js';

// Kept importable from here for code written before types.ts.
export type { DeadLetterView, JobView, LeasedTask, SubmitJob, SubmitTask, Submitted } from './types.js';
export type { WaitOptions } from './poll.js';

/**
 * How a client reaches the API (modelled on Temporal's worker options: each
 * option says its default).
 *
 * @example
 * ```ts
 * const client = new TaskfleetClient({ url: 'http://127.0.0.1:3000', token: process.env.TASKFLEET_TOKEN!, timeoutMs: 10_000 });
 * ```
 */
export interface ClientOptions {
  /** The API's base URL, e.g. http://127.0.0.1:3000 or the stack's ApiUrl. */
  readonly url: string;
  /** A tenant's (or an operator's) bearer token. */
  readonly token: string;
  /** The fetch to send requests with (a proxy's, a test's). @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Per request, in ms (a lease's long poll gets its wait on top). @default 30000 */
  readonly timeoutMs?: number;
  /** Retries of idempotent calls (GETs, submits with an idempotencyKey); `false` for none. @default `{ retries: 4, baseDelayMs: 250, maxDelayMs: 10000 }` */
  readonly retry?: RetryPolicy | false;
}

/**
 * A typed client of the taskfleet HTTP API, one group of calls per resource:
 * `tasks`, `jobs`, `schedules`, `webhooks`, `agents`, `leases`, `dlq`, `limits`.
 * Every call throws a `TaskfleetApiError` subclass (`NotFoundError`,
 * `ValidationError` …) on a 4xx/5xx answer and a `TaskfleetConnectionError` when
 * the API cannot be reached. `T` maps task types to their payload and result
 * (see `TaskMap`).
 *
 * @example
 * ```ts
 * interface MyTasks { resize: { payload: { url: string }; result: { bytes: number } } }
 * const client = new TaskfleetClient<MyTasks>({ url, token });
 * const { id } = await client.tasks.submit({ type: 'resize', payload: { url: 'https://…' } });
 * const { result } = await client.tasks.wait(id); // result: { bytes: number } | undefined
 * ```
 */
export class TaskfleetClient<T extends TaskMap = AnyTasks> {
  /** Tasks: submit, submitBatch, get, list, listAll, cancel, wait. */
  readonly tasks: TasksApi<T>;
  /** Map-reduce jobs: submit, get, list, cancel, wait. */
  readonly jobs: JobsApi<T>;
  /** Schedules: add, list, get, remove, pause, resume. */
  readonly schedules: TaskfleetSchedules;
  /** Webhook endpoints: create, list, remove. */
  readonly webhooks: WebhooksApi;
  /** External agents: register, heartbeat, lease. */
  readonly agents: AgentsApi;
  /** A leased task, by its lease token: heartbeat, progress, complete, fail. */
  readonly leases: LeasesApi;
  /** Dead letters: list, redrive. */
  readonly dlq: DeadLettersApi;
  /** Rate limits per task type: set, list, remove. */
  readonly limits: RateLimitsApi;
  private readonly http: HttpOptions;

  constructor(options: ClientOptions) {
    this.http = httpOptions(options);
    this.tasks = new TasksApi<T>(this.http);
    this.jobs = new JobsApi<T>(this.http);
    this.schedules = new TaskfleetSchedules(options);
    this.webhooks = new WebhooksApi(this.http);
    this.agents = new AgentsApi(this.http);
    this.leases = new LeasesApi(this.http);
    this.dlq = new DeadLettersApi(this.http);
    this.limits = new RateLimitsApi(this.http);
  }

  /**
   * The API's base URL, e.g. for messages.
   *
   * @example
   * ```ts
   * console.log(`connected to ${client.url}`);
   * ```
   */
  get url(): string {
    return this.http.url;
  }

  /**
   * Counts by status, queues, agents and recent throughput (pool-wide parts only with an operator token).
   *
   * @example
   * ```ts
   * const { tasks } = await client.stats();
   * console.log(tasks.PENDING);
   * ```
   */
  async stats(): Promise<Stats> {
    return (await send<Stats>(this.http, { method: 'GET', path: '/stats', idempotent: true })).body;
  }

  // ── deprecated names: each delegates to its resource's method ─────────────

  /**
   * @deprecated Use `client.tasks.submit`.
   * @example
   * ```ts
   * await client.tasks.submit({ type: 'echo' });
   * ```
   */
  submit<K extends TaskType<T>>(task: SubmitTask<T, K>): Promise<Submitted<K>> {
    return this.tasks.submit(task);
  }

  /**
   * @deprecated Use `client.tasks.submitBatch`.
   * @example
   * ```ts
   * await client.tasks.submitBatch([{ type: 'echo' }]);
   * ```
   */
  submitBatch(tasks: readonly SubmitTask<T>[]): Promise<BatchResult> {
    return this.tasks.submitBatch(tasks);
  }

  /**
   * @deprecated Use `client.tasks.get`.
   * @example
   * ```ts
   * await client.tasks.get(id);
   * ```
   */
  get<K extends TaskType<T> = TaskType<T>>(id: TaskId<K>, options: { include?: 'payload' | 'result' | 'payload,result' } = {}): Promise<TaskView<PayloadOf<T, K>, ResultOf<T, K>>> {
    return this.tasks.get<K>(id, options);
  }

  /**
   * @deprecated Use `client.tasks.list`.
   * @example
   * ```ts
   * await client.tasks.list({ status: 'FAILED' });
   * ```
   */
  list(query: ListTasksQuery = {}): Promise<Page<TaskSummary>> {
    return this.tasks.list(query);
  }

  /**
   * @deprecated Use `client.tasks.listAll`.
   * @example
   * ```ts
   * for await (const task of client.tasks.listAll()) console.log(task.id);
   * ```
   */
  listAll(query: Omit<ListTasksQuery, 'limit' | 'cursor'> = {}): AsyncGenerator<TaskSummary> {
    return this.tasks.listAll(query);
  }

  /**
   * @deprecated Use `client.tasks.cancel`.
   * @example
   * ```ts
   * await client.tasks.cancel(id);
   * ```
   */
  cancel(id: string): Promise<TaskView> {
    return this.tasks.cancel(id);
  }

  /**
   * @deprecated Use `client.tasks.wait`.
   * @example
   * ```ts
   * await client.tasks.wait(id);
   * ```
   */
  wait<K extends TaskType<T> = TaskType<T>>(id: TaskId<K>, options: WaitOptions<TaskView<PayloadOf<T, K>, ResultOf<T, K>>> = {}): Promise<TaskView<PayloadOf<T, K>, ResultOf<T, K>>> {
    return this.tasks.wait<K>(id, options);
  }

  /**
   * @deprecated Use `client.limits.set`.
   * @example
   * ```ts
   * await client.limits.set('resize', 10, '1s');
   * ```
   */
  setRateLimit(type: string, limit: number, per: string): Promise<RateLimitView> {
    return this.limits.set(type, limit, per);
  }

  /**
   * @deprecated Use `client.limits.list`.
   * @example
   * ```ts
   * await client.limits.list();
   * ```
   */
  rateLimits(): Promise<RateLimitView[]> {
    return this.limits.list();
  }

  /**
   * @deprecated Use `client.limits.remove`.
   * @example
   * ```ts
   * await client.limits.remove('resize');
   * ```
   */
  removeRateLimit(type: string): Promise<void> {
    return this.limits.remove(type);
  }

  /**
   * @deprecated Use `client.jobs.submit`.
   * @example
   * ```ts
   * await client.jobs.submit({ map: { type: 'echo', items: [1, 2] } });
   * ```
   */
  submitJob(job: SubmitJob<T>): Promise<SubmittedJob> {
    return this.jobs.submit(job);
  }

  /**
   * @deprecated Use `client.jobs.get`.
   * @example
   * ```ts
   * await client.jobs.get(id);
   * ```
   */
  getJob(id: string, options: { readonly include?: 'result' } = {}): Promise<JobView> {
    return this.jobs.get(id, options);
  }

  /**
   * @deprecated Use `client.jobs.cancel`.
   * @example
   * ```ts
   * await client.jobs.cancel(id);
   * ```
   */
  cancelJob(id: string): Promise<JobView & { cancelled: number }> {
    return this.jobs.cancel(id);
  }

  /**
   * @deprecated Use `client.jobs.wait`.
   * @example
   * ```ts
   * await client.jobs.wait(id);
   * ```
   */
  waitForJob(id: string, options: WaitOptions<JobView> = {}): Promise<JobView> {
    return this.jobs.wait(id, options);
  }

  /**
   * @deprecated Use `client.dlq.list`.
   * @example
   * ```ts
   * await client.dlq.list();
   * ```
   */
  deadLetters(query: { pool?: string; priority?: Priority; limit?: number } = {}): Promise<DeadLetterView[]> {
    return this.dlq.list(query);
  }

  /**
   * @deprecated Use `client.dlq.redrive`.
   * @example
   * ```ts
   * await client.dlq.redrive({ pool: 'default' });
   * ```
   */
  redrive(request: { pool?: string; priority?: Priority; taskIds?: readonly string[]; max?: number } = {}): Promise<{ redriven: string[]; dropped: string[] }> {
    return this.dlq.redrive(request);
  }

  /**
   * @deprecated Use `client.agents.register`.
   * @example
   * ```ts
   * await client.agents.register({ capabilities: ['shell'] });
   * ```
   */
  registerWorker(agent: RegisterAgent): Promise<RegisteredAgent> {
    return this.agents.register(agent);
  }

  /**
   * @deprecated Use `client.agents.heartbeat`.
   * @example
   * ```ts
   * await client.agents.heartbeat(agentId);
   * ```
   */
  heartbeatWorker(workerId: string, running?: readonly string[]): Promise<void> {
    return this.agents.heartbeat(workerId, running);
  }

  /**
   * @deprecated Use `client.agents.lease`.
   * @example
   * ```ts
   * await client.agents.lease(agentId, { max: 1 });
   * ```
   */
  lease(workerId: string, request: { max?: number; waitSeconds?: number } = {}): Promise<LeasedTask[]> {
    return this.agents.lease(workerId, request);
  }

  /**
   * @deprecated Use `client.leases.heartbeat`.
   * @example
   * ```ts
   * await client.leases.heartbeat(task.id, task.leaseToken);
   * ```
   */
  heartbeatTask(taskId: string, leaseToken: string): Promise<{ leaseExpiresAt: string }> {
    return this.leases.heartbeat(taskId, leaseToken);
  }

  /**
   * @deprecated Use `client.leases.progress`.
   * @example
   * ```ts
   * await client.leases.progress(task.id, task.leaseToken, 0.5);
   * ```
   */
  progress(taskId: string, leaseToken: string, fraction: number, message?: string): Promise<void> {
    return this.leases.progress(taskId, leaseToken, fraction, message);
  }

  /**
   * @deprecated Use `client.leases.complete`.
   * @example
   * ```ts
   * await client.leases.complete(task.id, task.leaseToken, null);
   * ```
   */
  complete(taskId: string, leaseToken: string, result: Json): Promise<TaskView> {
    return this.leases.complete(taskId, leaseToken, result);
  }

  /**
   * @deprecated Use `client.leases.fail`.
   * @example
   * ```ts
   * await client.leases.fail(task.id, task.leaseToken, 'boom');
   * ```
   */
  fail(taskId: string, leaseToken: string, error: string, options: { retryable?: boolean; release?: boolean } = {}): Promise<TaskView> {
    return this.leases.fail(taskId, leaseToken, error, options);
  }
}

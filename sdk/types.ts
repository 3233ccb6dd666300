/**
 * The HTTP contract as the SDK sees it (DESIGN.md, "HTTP API"). Declared here,
 * not imported from the server's modules, so `@taskfleet/sdk` ships types with no
 * server dependency; `test/unit/sdk-wire-types.test.ts` keeps them in step with
 * the server's own types at compile time. The answers' shapes come from the API's
 * OpenAPI document (sdk/wire.ts, generated from the server's schemas by
 * `npm run openapi`): the names below are the SDK's for them.
 */
import type { components } from './wire.js';

/** A response schema of the API document, readonly all the way down. */
type Wire<K extends keyof components['schemas']> = Frozen<components['schemas'][K]>;
type Frozen<T> = T extends (infer E)[] ? readonly Frozen<E>[] : T extends object ? { readonly [P in keyof T]: Frozen<T[P]> } : T;

/**
 * Any JSON value: what payloads and results are on the wire.
 *
 * @example
 * ```ts
 * const payload: Json = { url: 'https://…', sizes: [64, 128] };
 * ```
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The priorities, highest first.
 *
 * @example
 * ```ts
 * if (!PRIORITIES.includes(input as Priority)) throw new Error('bad priority');
 * ```
 */
export const PRIORITIES = ['critical', 'high', 'normal', 'low'] as const;
/**
 * A task's priority: higher ones are leased first.
 *
 * @example
 * ```ts
 * await client.tasks.submit({ type: 'report', priority: 'high' });
 * ```
 */
export type Priority = (typeof PRIORITIES)[number];

/**
 * Every status a task can have.
 *
 * @example
 * ```ts
 * for (const status of TASK_STATUSES) console.log(status, stats.tasks[status]);
 * ```
 */
export const TASK_STATUSES = ['PENDING', 'ACTIVE', 'COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED'] as const;
/**
 * Where a task is in its life: PENDING → ACTIVE → COMPLETED, FAILED, CANCELLED or EXPIRED.
 *
 * @example
 * ```ts
 * const failed = await client.tasks.list({ status: 'FAILED' satisfies TaskStatus });
 * ```
 */
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * Statuses a task never leaves.
 *
 * @example
 * ```ts
 * TERMINAL_STATUSES.includes(task.status);
 * ```
 */
export const TERMINAL_STATUSES: readonly TaskStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED'];

/**
 * Whether a task in this status is done for good.
 *
 * @example
 * ```ts
 * if (isTerminalStatus(task.status)) console.log('finished');
 * ```
 */
export const isTerminalStatus = (status: TaskStatus): boolean => TERMINAL_STATUSES.includes(status);

/**
 * Every status a job can have.
 *
 * @example
 * ```ts
 * JOB_STATUSES.includes(job.status);
 * ```
 */
export const JOB_STATUSES = ['RUNNING', 'REDUCING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
/**
 * Where a job is: RUNNING → REDUCING → COMPLETED, FAILED or CANCELLED.
 *
 * @example
 * ```ts
 * if ((await client.jobs.get(id)).status === 'COMPLETED') console.log('done');
 * ```
 */
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * What a task needs, or an agent has, to run (each dimension optional).
 *
 * @example
 * ```ts
 * await client.tasks.submit({ type: 'train', resources: { gpu: 1, memoryMb: 8192 } });
 * ```
 */
export interface Resources {
  /** CPU cores. @default none */
  readonly cpu?: number;
  /** GPUs. @default none */
  readonly gpu?: number;
  /** Memory in MB. @default none */
  readonly memoryMb?: number;
}

/**
 * What each task type takes and returns, for typed submits, waits and handlers:
 *
 *   interface MyTasks { resize: { payload: { url: string }; result: { bytes: number } } }
 *   const client = new TaskfleetClient<MyTasks>({ url, token });
 *
 * @example
 * ```ts
 * interface MyTasks { resize: { payload: { url: string }; result: { bytes: number } } }
 * const client = new TaskfleetClient<MyTasks>({ url, token });
 * ```
 */
// `object`, not a Record: an `interface` has no index signature and would not fit one.
export type TaskMap = object;

/**
 * Any type name, JSON in and out: what an untyped client and worker use.
 *
 * @example
 * ```ts
 * const client = new TaskfleetClient<AnyTasks>({ url, token }); // the same as new TaskfleetClient({ url, token })
 * ```
 */
export type AnyTasks = Record<string, { readonly payload: Json; readonly result: Json }>;

/**
 * The task type names of a `TaskMap`.
 *
 * @example
 * ```ts
 * type Names = TaskType<MyTasks>; // 'resize'
 * ```
 */
export type TaskType<T extends TaskMap> = Extract<keyof T, string>;
/**
 * The payload type of task type `K` (JSON when the map does not say).
 *
 * @example
 * ```ts
 * type ResizePayload = PayloadOf<MyTasks, 'resize'>; // { url: string }
 * ```
 */
export type PayloadOf<T extends TaskMap, K extends TaskType<T>> = T[K] extends { readonly payload?: infer P } ? P : Json;
/**
 * The result type of task type `K` (JSON when the map does not say).
 *
 * @example
 * ```ts
 * type ResizeResult = ResultOf<MyTasks, 'resize'>; // { bytes: number }
 * ```
 */
export type ResultOf<T extends TaskMap, K extends TaskType<T>> = T[K] extends { readonly result?: infer R } ? R : Json;

/**
 * A task id that remembers its task type, so `wait(id)` knows the result's type. A plain string is one too.
 *
 * @example
 * ```ts
 * const { id } = await client.tasks.submit({ type: 'resize', payload }); // id: TaskId<'resize'>
 * const { result } = await client.tasks.wait(id); // typed as resize's result
 * ```
 */
export type TaskId<K extends string = string> = string & { readonly __taskType?: K };

/**
 * The next stage: on COMPLETED, a task of this type runs with this task's result as its payload.
 *
 * @example
 * ```ts
 * await client.tasks.submit({ type: 'download', payload, then: { type: 'resize' } });
 * ```
 */
export interface NextStage<K extends string = string> {
  readonly type: K;
  /** Capabilities the next stage needs. @default the same as this task's */
  readonly requires?: readonly string[];
}

/**
 * `POST /tasks`: every field of the contract; only `type` is required.
 *
 * @example
 * ```ts
 * const task: SubmitTask = { type: 'resize', payload: { url }, priority: 'high', maxAttempts: 5 };
 * ```
 */
export interface SubmitTask<T extends TaskMap = AnyTasks, K extends TaskType<T> = TaskType<T>> {
  /** The task type: which handler runs it. */
  readonly type: K;
  /** The handler's input (JSON). @default null */
  readonly payload?: PayloadOf<T, K>;
  /** Higher priorities are leased first. @default 'normal' */
  readonly priority?: Priority;
  /** Capabilities a worker must have, e.g. `['gpu']`. @default none (any Lambda pool) */
  readonly requires?: readonly string[];
  /** Agent labels to favour, with weights: `{ region: 2 }`-style `label → weight`. @default none */
  readonly prefers?: Readonly<Record<string, number>>;
  /** Tasks with the same key go to the same agent while it is online. @default none */
  readonly affinityKey?: string;
  /** Run on this agent only. @default any agent */
  readonly agent?: string;
  /** Never run on these agents. @default none */
  readonly avoidAgents?: readonly string[];
  /** Your own id (unique per tenant). @default a generated id */
  readonly id?: string;
  /** A replay with the same key returns the first task (and makes the call safe to retry). @default none (not retried) */
  readonly idempotencyKey?: string;
  /** Attempts before the task fails for good (into the dead-letter queue). @default 3 */
  readonly maxAttempts?: number;
  /** How long one attempt may run. @default 300 */
  readonly timeoutSeconds?: number;
  /** ISO time: not started by then → EXPIRED. @default none */
  readonly deadline?: string;
  /** Seconds before it may start, up to a year. Not with `runAt`. @default 0 */
  readonly delaySeconds?: number;
  /** Not to start before this time (ISO string or Date), up to a year ahead. Not with `delaySeconds`. @default now */
  readonly runAt?: string | Date;
  /** At most `concurrencyLimit` tasks with this key run at once (e.g. one per customer); the rest wait. @default none */
  readonly concurrencyKey?: string;
  /** How many tasks of `concurrencyKey` may run at once. @default 1 */
  readonly concurrencyLimit?: number;
  /** What one attempt needs (agents only get it when it fits). @default none */
  readonly resources?: Resources;
  /** A task to run with this one's result, once it COMPLETED. @default none */
  readonly then?: NextStage<TaskType<T>>;
}

/**
 * What `client.tasks.submit` answers.
 *
 * @example
 * ```ts
 * const { id, created } = await client.tasks.submit({ type: 'echo', idempotencyKey: 'k1' });
 * ```
 */
export interface Submitted<K extends string = string> {
  readonly id: TaskId<K>;
  readonly status: TaskStatus;
  readonly pool: string;
  readonly priority: Priority;
  /** false when an idempotencyKey replay returned an earlier task. */
  readonly created: boolean;
}

/**
 * Why a task's last attempt failed.
 *
 * @example
 * ```ts
 * if (task.error?.retryable === false) console.log('failed for good:', task.error.message);
 * ```
 */
export interface TaskError extends Wire<'TaskError'> {}

/**
 * `GET /tasks/{id}`.
 *
 * @example
 * ```ts
 * const task: TaskView = await client.tasks.get(id);
 * ```
 */
export interface TaskView<P = Json, R = Json> {
  readonly id: string;
  readonly type: string;
  readonly payload: P;
  readonly priority: Priority;
  readonly requires: readonly string[];
  readonly pool: string;
  readonly status: TaskStatus;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly timeoutSeconds: number;
  readonly delaySeconds: number;
  /** The start time asked for (`runAt`, or submission + `delaySeconds`). */
  readonly runAt?: string;
  /** While PENDING: not started before this (a delay, a retry's backoff or a rate limit's turn). */
  readonly availableAt?: string;
  readonly deadline?: string;
  readonly resources?: Resources;
  readonly idempotencyKey?: string;
  readonly progress?: { readonly fraction: number; readonly message?: string };
  readonly result?: R;
  /** The payload or result is kept in the values bucket (over 8 KiB): read it with `client.get(id, { include })`. */
  readonly payloadRef?: { readonly key: string; readonly bytes: number };
  readonly resultRef?: { readonly key: string; readonly bytes: number };
  readonly error?: TaskError;
  readonly worker?: string;
  readonly leaseExpiresAt?: string;
  readonly then?: NextStage;
  readonly job?: { readonly id: string; readonly role: 'map' | 'reduce' | 'then'; readonly index?: number };
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

/**
 * One row of `GET /tasks`.
 *
 * @example
 * ```ts
 * const { items }: Page<TaskSummary> = await client.tasks.list();
 * ```
 */
export interface TaskSummary extends Wire<'TaskSummary'> {}

/**
 * One page of a list, and the cursor of the next (absent on the last).
 *
 * @example
 * ```ts
 * const first = await client.tasks.list();
 * const second = first.nextCursor ? await client.tasks.list({ cursor: first.nextCursor }) : undefined;
 * ```
 */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

/**
 * One task's outcome in `client.tasks.submitBatch`: accepted (200/202, with its id) or refused (with its error).
 *
 * @example
 * ```ts
 * for (const item of (await client.tasks.submitBatch(tasks)).items) if ('error' in item) console.log(item.index, item.error.message);
 * ```
 */
export type BatchItem =
  | { readonly index: number; readonly status: 200 | 202; readonly id: string; readonly taskStatus: TaskStatus; readonly pool: string; readonly priority: Priority }
  | { readonly index: number; readonly status: number; readonly error: { code: string; message: string; fields?: { field: string; message: string }[] } };

/**
 * What `client.jobs.submit` takes: a map over `items`, an optional reduce and `then`.
 *
 * @example
 * ```ts
 * const job: SubmitJob = { map: { type: 'count-words', items: chunks }, reduce: { type: 'merge-counts' } };
 * ```
 */
export interface SubmitJob<T extends TaskMap = AnyTasks> {
  /** One child task of `type` per item, the item as its payload. */
  readonly map: { readonly type: TaskType<T>; readonly items: readonly Json[] };
  /** A task over the children's results (read with `ctx.childResults`), once they all finished. @default none */
  readonly reduce?: { readonly type: TaskType<T> };
  /** A task run with the reduce's (or the map's) result, last. @default none */
  readonly then?: { readonly type: TaskType<T> };
  /** The priority of every task of the job. @default 'normal' */
  readonly priority?: Priority;
  /** Capabilities every task of the job needs. @default none (any Lambda pool) */
  readonly requires?: readonly string[];
  /** The share of children that may fail before the job fails. @default `{ maxFailedFraction: 0 }` */
  readonly failurePolicy?: { readonly maxFailedFraction: number };
  /** A retried submission with the same key returns the same job (per tenant, kept a week). @default none (not retried) */
  readonly idempotencyKey?: string;
}

/**
 * `GET /jobs/{id}`.
 *
 * @example
 * ```ts
 * const job: JobView = await client.jobs.get(id);
 * ```
 */
export interface JobView extends Omit<Wire<'Job'>, 'result' | 'expanded'> {
  /** Children written so far: `total` once the job's expansion is done. */
  readonly expanded?: number;
  /**
   * The final stage's result once it COMPLETED. Over 8 KiB it is kept in the values
   * bucket: `null` here, with `resultRef`, unless read with `getJob(id, { include: 'result' })`
   * (`waitForJob` does that for you).
   */
  readonly result?: Json;
}

/**
 * A task that failed for good, as the dead-letter queue keeps it.
 *
 * @example
 * ```ts
 * for (const letter of await client.dlq.list()) console.log(letter.taskId, letter.error.message);
 * ```
 */
export interface DeadLetterView extends Wire<'DeadLetter'> {}

/**
 * Queue-time percentiles in ms (from a log-bucket histogram: within a few per cent).
 *
 * @example
 * ```ts
 * const p95 = (await client.stats()).recent.queueTimeByPriority.critical?.p95;
 * ```
 */
export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/**
 * What `client.stats()` answers.
 *
 * @example
 * ```ts
 * const { tasks, workers } = await client.stats();
 * ```
 */
export interface Stats {
  /** Pool-wide: only with an operator token. */
  readonly queues?: readonly { pool: string; priority: string; visible: number; inFlight: number; delayed: number; deadLetters: number }[];
  readonly tasks: Readonly<Record<TaskStatus, number>>;
  /** Pool-wide: only with an operator token. */
  readonly circuits?: Readonly<Record<string, { status: string; consecutiveFailures: number; since?: string }>>;
  readonly workers: { readonly online: number; readonly offline: number };
  /** The last few minutes, from per-minute aggregates (no task history is read). */
  readonly recent: {
    readonly throughputPerSecond: number;
    readonly windowSeconds: number;
    readonly completed: number;
    readonly failed: number;
    readonly retried: number;
    readonly queueTimeMs?: Percentiles;
    readonly queueTimeByPriority: Partial<Record<Priority, Percentiles>>;
    readonly deadlines: { readonly decided: number; readonly met: number; readonly share: number };
  };
  /** Every minute of the window (`?window=hour|day`), oldest first: sums, queue-time percentiles and PENDING depth per priority. */
  readonly series: {
    readonly window: 'hour' | 'day';
    readonly minutes: readonly {
      readonly minute: string;
      readonly completed: number;
      readonly failed: number;
      readonly retried: number;
      readonly queueTimeMs: Partial<Record<Priority, Percentiles & { readonly count: number }>>;
      readonly depth: Readonly<Record<Priority, number>>;
    }[];
    /** Queue time per priority over the whole window. */
    readonly queueTimeByPriority: Partial<Record<Priority, Percentiles>>;
  };
  /** The tenant's rate limits and their use now. */
  readonly rateLimits?: readonly RateLimitView[];
  readonly at: string;
}

/**
 * A tenant's rate limit on one task type (`PUT /rate-limits/{type}`).
 *
 * @example
 * ```ts
 * const limits: RateLimitView[] = await client.limits.list();
 * ```
 */
export interface RateLimitView extends Wire<'RateLimit'> {}

/**
 * A concurrency key the tenant has used: the slots its tasks hold now, and the
 * `concurrencyLimit` its latest task asked for.
 *
 * @example
 * ```ts
 * const full = (await client.limits.concurrencyKeys()).filter((k) => k.limit !== undefined && k.used >= k.limit);
 * ```
 */
export interface ConcurrencyKeyView extends Wire<'ConcurrencyKey'> {}

/**
 * What an agent registers with: its capabilities and capacity.
 *
 * @example
 * ```ts
 * await client.agents.register({ name: 'gpu-box-1', capabilities: ['gpu'], capacity: { slots: 2, gpu: 2 } });
 * ```
 */
export interface RegisterAgent {
  /** A name to know it by in lists and logs. @default none */
  readonly name?: string;
  /** The skills it has (`shell`, `gpu`, `security-review` …): tasks `requires` are matched against them. */
  readonly capabilities: readonly string[];
  /** What it can run at once: task slots and resources. @default `{ slots: 1 }` */
  readonly capacity?: { readonly slots: number; readonly cpu?: number; readonly gpu?: number; readonly memoryMb?: number };
  /** Labels tasks may prefer (`prefers`), e.g. `{ region: 'eu' }`. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** How much work this agent should get relative to others. @default 1 */
  readonly weight?: number;
}

/**
 * What `client.agents.register` answers.
 *
 * @example
 * ```ts
 * const { id, heartbeatIntervalSeconds } = await client.agents.register({ capabilities: ['shell'] });
 * ```
 */
export interface RegisteredAgent {
  readonly id: string;
  readonly heartbeatIntervalSeconds: number;
  /** The agent pools whose tasks this agent could run (servers that report it); empty: no task will ever reach it. */
  readonly pools?: readonly string[];
}

/**
 * A task an agent holds a lease on.
 *
 * @example
 * ```ts
 * const [task] = await client.agents.lease(agentId);
 * if (task) await client.leases.complete(task.id, task.leaseToken, null);
 * ```
 */
export interface LeasedTask<P = Json> extends Omit<Wire<'LeasedTask'>, 'payload'> {
  readonly payload: P;
}

/**
 * @deprecated Use `RegisterAgent` (an agent registers; a `Worker` is the SDK's runner of one).
 * @example
 * ```ts
 * const agent: RegisterAgent = { capabilities: ['shell'] };
 * ```
 */
export type RegisterWorker = RegisterAgent;

/**
 * @deprecated Use `RegisteredAgent`.
 * @example
 * ```ts
 * const { id }: RegisteredAgent = await client.agents.register({ capabilities: ['shell'] });
 * ```
 */
export type RegisteredWorker = RegisteredAgent;

/**
 * One row of `GET /jobs`.
 *
 * @example
 * ```ts
 * const { items } = await client.jobs.list();
 * ```
 */
export interface JobSummary extends Wire<'JobSummary'> {}

/**
 * What a lease call asks for: see `client.agents.lease`.
 *
 * @example
 * ```ts
 * const request: LeaseRequest = { max: 4, waitSeconds: 10, finished: ['t1'] };
 * ```
 */
export interface LeaseRequest {
  readonly max?: number;
  readonly waitSeconds?: number;
  readonly finished?: readonly string[];
}

/**
 * A completion carried by `client.agents.completeAndLease`: the task, its lease token and its result.
 *
 * @example
 * ```ts
 * const done: CarriedCompletion = { taskId: task.id, leaseToken: task.leaseToken, result: { ok: true } };
 * ```
 */
export interface CarriedCompletion {
  readonly taskId: string;
  readonly leaseToken: string;
  readonly result: Json;
}

/**
 * What became of one carried completion: `status` 200, or the status and `error` the complete call would have answered.
 *
 * @example
 * ```ts
 * for (const outcome of completed) if (outcome.status !== 200) console.warn(outcome.taskId, outcome.error?.code);
 * ```
 */
export interface CarriedCompletionOutcome extends Wire<'CarriedCompletionOutcome'> {}

/**
 * The HTTP contract as the SDK sees it (DESIGN.md, "HTTP API"). Declared here,
 * not imported from the server's modules, so `@taskfleet/sdk` ships types with no
 * server dependency; `test/unit/sdk-wire-types.test.ts` keeps them in step with
 * the server's own types at compile time.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const PRIORITIES = ['critical', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const TASK_STATUSES = ['PENDING', 'ACTIVE', 'COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Statuses a task never leaves. */
export const TERMINAL_STATUSES: readonly TaskStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED'];

export const isTerminalStatus = (status: TaskStatus): boolean => TERMINAL_STATUSES.includes(status);

export const JOB_STATUSES = ['RUNNING', 'REDUCING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface Resources {
  readonly cpu?: number;
  readonly gpu?: number;
  readonly memoryMb?: number;
}

/**
 * What each task type takes and returns, for typed submits, waits and handlers:
 *
 *   interface MyTasks { resize: { payload: { url: string }; result: { bytes: number } } }
 *   const client = new TaskfleetClient<MyTasks>({ url, token });
 */
// `object`, not a Record: an `interface` has no index signature and would not fit one.
export type TaskMap = object;

/** Any type name, JSON in and out: what an untyped client and worker use. */
export type AnyTasks = Record<string, { readonly payload: Json; readonly result: Json }>;

export type TaskType<T extends TaskMap> = Extract<keyof T, string>;
/** The payload type of task type `K` (JSON when the map does not say). */
export type PayloadOf<T extends TaskMap, K extends TaskType<T>> = T[K] extends { readonly payload?: infer P } ? P : Json;
/** The result type of task type `K` (JSON when the map does not say). */
export type ResultOf<T extends TaskMap, K extends TaskType<T>> = T[K] extends { readonly result?: infer R } ? R : Json;

/** A task id that remembers its task type, so `wait(id)` knows the result's type. A plain string is one too. */
export type TaskId<K extends string = string> = string & { readonly __taskType?: K };

/** The next stage: on COMPLETED, a task of this type runs with this task's result as its payload. */
export interface NextStage<K extends string = string> {
  readonly type: K;
  /** Capabilities the next stage needs. @default the same as this task's */
  readonly requires?: readonly string[];
}

/** `POST /tasks`: every field of the contract; only `type` is required. */
export interface SubmitTask<T extends TaskMap = AnyTasks, K extends TaskType<T> = TaskType<T>> {
  readonly type: K;
  readonly payload?: PayloadOf<T, K>;
  readonly priority?: Priority;
  /** Capabilities a worker must have, e.g. `['gpu']`. */
  readonly requires?: readonly string[];
  /** Agent labels to favour, with weights: `{ region: 2 }`-style `label → weight`. */
  readonly prefers?: Readonly<Record<string, number>>;
  /** Tasks with the same key go to the same agent while it is online. */
  readonly affinityKey?: string;
  /** Run on this agent only. */
  readonly agent?: string;
  /** Never run on these agents. */
  readonly avoidAgents?: readonly string[];
  /** Your own id (unique per tenant). */
  readonly id?: string;
  /** A replay with the same key returns the first task (and makes the call safe to retry). */
  readonly idempotencyKey?: string;
  readonly maxAttempts?: number;
  readonly timeoutSeconds?: number;
  /** ISO time: not started by then → EXPIRED. */
  readonly deadline?: string;
  /** Seconds before it may start, up to a year. Not with `runAt`. */
  readonly delaySeconds?: number;
  /** Not to start before this time (ISO string or Date), up to a year ahead. Not with `delaySeconds`. */
  readonly runAt?: string | Date;
  /** At most `concurrencyLimit` tasks with this key run at once (e.g. one per customer); the rest wait. */
  readonly concurrencyKey?: string;
  /** How many tasks of `concurrencyKey` may run at once. @default 1 */
  readonly concurrencyLimit?: number;
  readonly resources?: Resources;
  readonly then?: NextStage<TaskType<T>>;
}

export interface Submitted<K extends string = string> {
  readonly id: TaskId<K>;
  readonly status: TaskStatus;
  readonly pool: string;
  readonly priority: Priority;
  /** false when an idempotencyKey replay returned an earlier task. */
  readonly created: boolean;
}

export interface TaskError {
  readonly message: string;
  readonly type?: string;
  readonly retryable?: boolean;
}

/** `GET /tasks/{id}`. */
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

/** One row of `GET /tasks`. */
export interface TaskSummary {
  readonly id: string;
  readonly type: string;
  readonly status: TaskStatus;
  readonly pool: string;
  readonly priority: Priority;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

export type BatchItem =
  | { readonly index: number; readonly status: 200 | 202; readonly id: string; readonly taskStatus: TaskStatus; readonly pool: string; readonly priority: Priority }
  | { readonly index: number; readonly status: number; readonly error: { code: string; message: string; fields?: { field: string; message: string }[] } };

export interface SubmitJob<T extends TaskMap = AnyTasks> {
  readonly map: { readonly type: TaskType<T>; readonly items: readonly Json[] };
  readonly reduce?: { readonly type: TaskType<T> };
  readonly then?: { readonly type: TaskType<T> };
  readonly priority?: Priority;
  readonly requires?: readonly string[];
  readonly failurePolicy?: { readonly maxFailedFraction: number };
  /** A retried submission with the same key returns the same job (per tenant, kept a week). */
  readonly idempotencyKey?: string;
}

/** `GET /jobs/{id}`. */
export interface JobView {
  readonly id: string;
  readonly status: JobStatus;
  readonly total: number;
  /** Children written so far (the job expands asynchronously); `total` once expanded. */
  readonly expanded?: number;
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly progress: number;
  /**
   * The map stage is `EXPANDING` while its children are still being written, and
   * `CANCELLING` while a stopped job's children are still being cancelled.
   */
  readonly stages: readonly { name: 'map' | 'reduce' | 'then'; type: string; status: string; taskId?: string }[];
  /**
   * The final stage's result once it COMPLETED. Over 8 KiB it is kept in the values
   * bucket: `null` here, with `resultRef`, unless read with `getJob(id, { include: 'result' })`
   * (`waitForJob` does that for you).
   */
  readonly result?: Json;
  readonly resultRef?: { readonly key: string; readonly bytes: number };
  readonly error?: string;
  readonly createdAt: string;
  readonly finishedAt?: string;
}

export interface DeadLetterView {
  readonly taskId: string;
  /** A job's own message (its expansion or cancellation; `type` is `job-message`): it has no task. */
  readonly jobId?: string;
  readonly type: string;
  readonly pool: string;
  readonly priority: string;
  readonly attempts: number;
  readonly error: TaskError;
  readonly failedAt: string;
  readonly queue: string;
  readonly messageId: string;
}

export interface Stats {
  /** Pool-wide: only with an operator token. */
  readonly queues?: readonly { pool: string; priority: string; visible: number; inFlight: number; delayed: number; deadLetters: number }[];
  readonly tasks: Readonly<Record<TaskStatus, number>>;
  /** Pool-wide: only with an operator token. */
  readonly circuits?: Readonly<Record<string, { status: string; consecutiveFailures: number; since?: string }>>;
  readonly workers: { readonly online: number; readonly offline: number };
  readonly recent: {
    readonly sampled: number;
    readonly throughputPerSecond: number;
    readonly windowSeconds: number;
    readonly queueTimeMs?: { readonly p50: number; readonly p95: number; readonly p99: number };
  };
  /** The tenant's rate limits and their use now. */
  readonly rateLimits?: readonly RateLimitView[];
  readonly at: string;
}

/** A tenant's rate limit on one task type (`PUT /rate-limits/{type}`). */
export interface RateLimitView {
  readonly type: string;
  /** Starts allowed per `per`; also the burst an idle bucket allows. */
  readonly limit: number;
  /** `500ms`, `1s`, `10m`, `1h`, `1d`. */
  readonly per: string;
  /** Tokens in use now: 0 (idle) … limit (tasks of the type wait). */
  readonly used: number;
  /** When the next start may happen, while the bucket is empty. */
  readonly nextAt?: string;
}

export interface RegisterWorker {
  readonly name?: string;
  readonly capabilities: readonly string[];
  readonly capacity?: { readonly slots: number; readonly cpu?: number; readonly gpu?: number; readonly memoryMb?: number };
  readonly labels?: Readonly<Record<string, string>>;
  /** How much work this agent should get relative to others. */
  readonly weight?: number;
}

export interface RegisteredWorker {
  readonly id: string;
  readonly heartbeatIntervalSeconds: number;
  /** The agent pools whose tasks this agent could run (servers that report it); empty: no task will ever reach it. */
  readonly pools?: readonly string[];
}

/** A task an agent holds a lease on. */
export interface LeasedTask<P = Json> {
  readonly id: string;
  readonly type: string;
  readonly payload: P;
  /** Set when the payload was too large to send inline (`payload` is then null); the Worker fetches it. */
  readonly payloadRef?: { readonly bytes: number };
  readonly priority: Priority;
  readonly pool: string;
  readonly attempt: number;
  readonly timeoutSeconds: number;
  readonly resources?: Resources;
  readonly leaseToken: string;
  readonly leaseExpiresAt: string;
}

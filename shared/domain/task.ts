import type { Priority } from './priority.js';
import { TASK_STATUS, type TaskStatus } from './task-status.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Resources {
  readonly cpu?: number;
  readonly gpu?: number;
  readonly memoryMb?: number;
}

export interface Progress {
  /** 0…1 */
  readonly fraction: number;
  readonly message?: string;
}

/** An agent's hold on a running task: the secret its lease-token calls must show. */
export interface AgentLease {
  readonly token: string;
  /**
   * The agent says in its next lease call (`finished`) that this attempt is over, so its
   * end does not write the agent's record to free the slot: that lease call does, in the
   * write it makes anyway.
   */
  readonly endReported?: true;
}

/** Where a payload or result above the inline limit lives (an object in the values bucket). */
export interface ValueRef {
  readonly key: string;
  readonly bytes: number;
}

/** Soft placement wishes of a task on an agent pool (DESIGN, "Dispatch to agents"). */
export interface Placement {
  /** Label weights: an agent offering more of them (as capabilities or label keys) is preferred. */
  readonly prefers?: Readonly<Record<string, number>>;
  /** Tasks with one key go to one online agent while it lasts (consistent hashing). */
  readonly affinityKey?: string;
  /** Pinned to this agent id. */
  readonly agent?: string;
  readonly avoidAgents?: readonly string[];
  /**
   * At most `limit` tasks of this tenant with this `key` run at once (Hatchet's
   * concurrency keys, BullMQ's groups); the rest wait, never counted as attempts.
   * Kept with placement because the ready set projects it (the lease path needs it).
   */
  readonly concurrency?: { readonly key: string; readonly limit: number };
}

/** A timer the sweep honours; a task has at most one at a time (sparse `due` index). */
export interface Due {
  /**
   * `delay`: a Lambda-pool task held in the table until it may be queued; `deadline`: an
   * agent-pool task that expires if unstarted; `lease`: an agent's attempt presumed lost
   * if not extended; `follow`: after-commit effects (a next stage) not yet confirmed.
   */
  readonly kind: 'delay' | 'deadline' | 'follow';
  readonly at: string;
}

export interface TaskError {
  readonly message: string;
  readonly type?: string;
  readonly retryable?: boolean;
}

/** The task record: what is stored, and (less tenant) what `GET /tasks/{id}` shows. */
export interface Task {
  readonly id: string;
  readonly tenant: string;
  readonly type: string;
  readonly payload: Json;
  readonly priority: Priority;
  readonly requires: readonly string[];
  readonly pool: string;
  readonly status: TaskStatus;
  /** Attempts started so far; decides retry vs FAILED (not SQS's receive count). */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly timeoutSeconds: number;
  readonly delaySeconds: number;
  /** ISO: the start time asked for (`runAt`, or submission + `delaySeconds`); shown as given, unlike `availableAt`. */
  readonly runAt?: string;
  readonly deadline?: string;
  readonly resources?: Resources;
  readonly placement?: Placement;
  readonly idempotencyKey?: string;
  /** PENDING: not to be started before this instant (a delay or a retry's backoff). */
  readonly availableAt?: string;
  /** PENDING on an agent pool: its place in the ready set (shard and sort key). */
  readonly ready?: { readonly shard: number; readonly key: string; /** ISO: when it (re)entered the ready set. */ readonly since: string };
  readonly due?: Due;
  /** Set when the payload is kept in the values bucket; `payload` is then null in the record. */
  readonly payloadRef?: ValueRef;
  readonly resultRef?: ValueRef;
  /** Epoch seconds after which a terminal task may be deleted (the table's TTL). */
  readonly expiresAt?: number;
  readonly progress?: Progress;
  readonly result?: Json;
  readonly error?: TaskError;
  readonly worker?: string;
  /** While ACTIVE: when the running attempt is presumed lost if it has not finished. */
  readonly leaseExpiresAt?: string;
  /** While ACTIVE on an external agent: what its lease-token calls must show, and its message. Never shown. */
  readonly lease?: AgentLease;
  /** The next stage: on COMPLETED, a task of this type runs with this task's result as its payload. */
  readonly then?: NextStage;
  /** The job this task belongs to, and its part in it. */
  readonly job?: JobLink;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Bumped by every change; stores write only if it is still the one they read. */
  readonly revision: number;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

export interface NextStage {
  readonly type: string;
  /** Capabilities the next stage needs; routed like a submission. @default the same as this task's */
  readonly requires?: readonly string[];
}

export interface JobLink {
  readonly id: string;
  /** `map`: one of its children (counted by the fan-in); `reduce`: the task over their results; `then`: a stage after. */
  readonly role: 'map' | 'reduce' | 'then';
  /** For a child: its position among the job's items. */
  readonly index?: number;
}

/** Validated submission, defaults applied: the output of `parseTaskInput`. */
export interface TaskInput {
  readonly id?: string;
  readonly type: string;
  readonly payload: Json;
  readonly priority: Priority;
  readonly requires: readonly string[];
  readonly idempotencyKey?: string;
  readonly maxAttempts: number;
  readonly timeoutSeconds: number;
  readonly deadline?: string;
  readonly delaySeconds: number;
  /** ISO, normalised to UTC: not to start before. Exclusive with a given `delaySeconds` (then derived from it). */
  readonly runAt?: string;
  readonly resources?: Resources;
  readonly placement?: Placement;
  readonly then?: NextStage;
}

export interface NewTaskContext {
  readonly id: string;
  readonly tenant: string;
  readonly pool: string;
  readonly now: Date;
  readonly job?: JobLink;
}

/** A fresh PENDING task from a validated input. Pure: id and clock are passed in. */
export function newTask(input: TaskInput, ctx: NewTaskContext): Task {
  const at = ctx.now.toISOString();
  return {
    id: input.id ?? ctx.id,
    tenant: ctx.tenant,
    type: input.type,
    payload: input.payload,
    priority: input.priority,
    requires: [...input.requires],
    pool: ctx.pool,
    status: TASK_STATUS.PENDING,
    attempts: 0,
    maxAttempts: input.maxAttempts,
    timeoutSeconds: input.timeoutSeconds,
    delaySeconds: input.delaySeconds,
    ...(input.deadline !== undefined ? { deadline: input.deadline } : {}),
    // `resources: {}` asks for nothing: stored as absent, never as an empty map (which
    // DynamoDB Local's stream renders as `{}`, an attribute value no decoder reads).
    ...(input.resources !== undefined && Object.values(input.resources).some((v) => v !== undefined) ? { resources: input.resources } : {}),
    ...(input.placement !== undefined ? { placement: input.placement } : {}),
    ...startAfter(input, ctx.now),
    ...(input.idempotencyKey !== undefined ? { idempotencyKey: input.idempotencyKey } : {}),
    ...(input.then !== undefined ? { then: input.then } : {}),
    ...(ctx.job !== undefined ? { job: ctx.job } : {}),
    createdAt: at,
    updatedAt: at,
    revision: 0,
  };
}

/** When a new task may start: `runAt` as given, or `delaySeconds` from now; nothing when it may start at once. */
function startAfter(input: Pick<TaskInput, 'runAt' | 'delaySeconds'>, now: Date): Pick<Task, 'runAt' | 'availableAt'> {
  const at = input.runAt !== undefined ? Date.parse(input.runAt) : now.getTime() + input.delaySeconds * 1000;
  if (at <= now.getTime()) return {};
  const iso = new Date(at).toISOString();
  return { runAt: iso, availableAt: iso };
}

/** The public view of a task: everything but the tenant, the lease's secrets and the dispatch bookkeeping. */
export type TaskView = Omit<Task, 'tenant' | 'lease' | 'ready' | 'due' | 'expiresAt'>;

export function toTaskView(task: Task): TaskView {
  const { tenant: _tenant, lease: _lease, ready: _ready, due: _due, expiresAt: _expires, ...view } = task;
  return view;
}

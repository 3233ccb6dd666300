import { MAX_QUEUE_DELAY_SECONDS } from './limits.js';
import { DEFAULT_SCHEDULING_CONFIG, type SchedulingConfig } from './scheduling/config.js';
import { readySortKey } from './scheduling/order.js';
import { isTerminal } from './task-status.js';
import type { Due, Task } from './task.js';

/**
 * The dispatch bookkeeping a task carries besides its status: its place in an
 * agent pool's ready set, the one timer the sweep honours for it, and when it may
 * be deleted. Pure: decided from the task, its pool's kind and `now`, right after
 * each transition, by the lifecycle (never by a store).
 */

export interface DispatchSettings {
  /** Shards of each tenant × pool ready set (see docs/architecture.md). */
  readonly readyShards: number;
  /** How long a terminal task is kept. */
  readonly retentionSeconds: number;
  /** SQS cannot hold a message longer than this before it is delivered. */
  readonly maxQueueDelaySeconds: number;
  /** How long after a completion its follow-ups may be left before the sweep repeats them. */
  readonly followUpGraceSeconds: number;
}

export const DISPATCH_DEFAULTS: DispatchSettings = {
  readyShards: 16,
  retentionSeconds: 30 * 24 * 3600,
  maxQueueDelaySeconds: MAX_QUEUE_DELAY_SECONDS,
  followUpGraceSeconds: 60,
};

/** A stable small hash of a string (FNV-1a), for spreading keys over shards. */
export function hashOf(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function shardOf(id: string, shards: number): number {
  return hashOf(id) % shards;
}

export interface DispatchContext {
  readonly runsOn: 'lambda' | 'agents';
  readonly now: Date;
  readonly settings?: DispatchSettings;
  /** The pool's scheduling settings: its aging and deadline horizon place a task in the ready set. @default DEFAULT_SCHEDULING_CONFIG */
  readonly scheduling?: Partial<SchedulingConfig>;
}

/**
 * The task with its bookkeeping set for its new status:
 * - PENDING on an agent pool: in the ready set (placed when it became ready), and a
 *   `deadline` timer if it has one (the sweep expires it unstarted).
 * - PENDING on a Lambda pool, not due within SQS's longest delay: a `delay` timer.
 * - ACTIVE: no timer (an agent's attempt is watched through its agent's record, by the sweep).
 * - COMPLETED with a next stage: a `follow` timer, cleared once the stage exists.
 * - terminal: out of the ready set, no timer, an expiry `retention` later, and no
 *   lease: its token proves nothing any more, and a record just over a kilobyte
 *   costs two write units where one under it costs one.
 */
export function withDispatch(before: Task | undefined, after: Task, ctx: DispatchContext): Task {
  const settings = ctx.settings ?? DISPATCH_DEFAULTS;
  const { ready: _ready, due: _due, expiresAt: _expires, ...bare } = after;
  if (after.status === 'PENDING') {
    const enteredNow = before === undefined || before.status !== 'PENDING';
    if (ctx.runsOn === 'agents') {
      const ready = enteredNow || after.ready === undefined ? placeInReadySet(after, ctx.now, settings, { ...DEFAULT_SCHEDULING_CONFIG, ...ctx.scheduling }) : after.ready;
      const due: Due | undefined = after.deadline !== undefined ? { kind: 'deadline', at: after.deadline } : undefined;
      return { ...bare, ready, ...(due !== undefined ? { due } : {}) };
    }
    const availableAt = after.availableAt !== undefined ? Date.parse(after.availableAt) : 0;
    const queueFrom = availableAt - settings.maxQueueDelaySeconds * 1000;
    if (queueFrom > ctx.now.getTime()) return { ...bare, due: { kind: 'delay', at: new Date(queueFrom).toISOString() } };
    // Keep a delay timer that is already due: the sweep clears it once the task is queued.
    return after.due?.kind === 'delay' && !enteredNow ? { ...bare, due: after.due } : bare;
  }
  // ACTIVE: no timer. An agent's attempt is watched through its agent's record (sweep.ts), a Lambda worker's by its queue.
  if (after.status === 'ACTIVE') return bare;
  if (isTerminal(after.status)) {
    const { lease: _lease, leaseExpiresAt: _leaseEnd, ...ended } = bare;
    const finished = Date.parse(after.finishedAt ?? after.updatedAt);
    const expiresAt = Math.floor(finished / 1000) + settings.retentionSeconds;
    const follow = after.status === 'COMPLETED' && after.then !== undefined && (before === undefined || before.status !== 'COMPLETED');
    const due: Due | undefined = follow
      ? { kind: 'follow', at: new Date(ctx.now.getTime() + settings.followUpGraceSeconds * 1000).toISOString() }
      : after.due?.kind === 'follow'
        ? after.due
        : undefined;
    return { ...ended, expiresAt, ...(due !== undefined ? { due } : {}) };
  }
  return bare;
}

/** Its place in the ready set: sorted from when it becomes ready (see scheduling/order.ts `readySortKey`). */
function placeInReadySet(task: Task, now: Date, settings: DispatchSettings, scheduling: SchedulingConfig): NonNullable<Task['ready']> {
  const since = new Date(task.availableAt !== undefined ? Math.max(now.getTime(), Date.parse(task.availableAt)) : now.getTime()).toISOString();
  return {
    shard: shardOf(task.id, settings.readyShards),
    key: readySortKey({ id: task.id, priority: task.priority, enqueuedAt: since, ...(task.deadline !== undefined ? { deadline: task.deadline } : {}) }, scheduling),
    since,
  };
}

/** May a PENDING task start at `now` (its delay or backoff is over)? */
export function isAvailable(task: Pick<Task, 'availableAt'>, now: Date): boolean {
  return task.availableAt === undefined || Date.parse(task.availableAt) <= now.getTime();
}

import type { AgentLease, Json, Progress, Task, TaskError, ValueRef } from './task.js';
import { TASK_STATUS, type TaskStatus } from './task-status.js';

/**
 * The task lifecycle of DESIGN.md as data: which status each event may leave
 * from. Stores enforce the same `from` with a conditional write, so a duplicate
 * delivery can never run a finished task again or move one backwards.
 */
export type TaskEvent =
  | { readonly type: 'start'; readonly worker: string; readonly leaseExpiresAt: string; readonly lease?: AgentLease }
  /** An agent's heartbeat: the lease lasts longer. */
  | { readonly type: 'extend'; readonly leaseExpiresAt: string }
  /** Handed back unfinished (an agent shutting down): PENDING again, and the attempt does not count. */
  | { readonly type: 'release' }
  /** An operator replays a dead letter: a FAILED task gets a fresh set of attempts. */
  | { readonly type: 'redrive' }
  | { readonly type: 'progress'; readonly progress: Progress }
  /** `resultRef`: the result is in the values bucket (and `result` is null). */
  | { readonly type: 'complete'; readonly result: Json; readonly resultRef?: ValueRef }
  /** `retryAt`: when a retried task may start again (its backoff). */
  | { readonly type: 'fail'; readonly error: TaskError; readonly retryAt?: string }
  | { readonly type: 'cancel' }
  | { readonly type: 'expire' };

export const ALLOWED_FROM: { readonly [E in TaskEvent['type']]: readonly TaskStatus[] } = {
  start: [TASK_STATUS.PENDING],
  extend: [TASK_STATUS.ACTIVE],
  release: [TASK_STATUS.ACTIVE],
  redrive: [TASK_STATUS.FAILED],
  progress: [TASK_STATUS.ACTIVE],
  complete: [TASK_STATUS.ACTIVE],
  fail: [TASK_STATUS.ACTIVE],
  cancel: [TASK_STATUS.PENDING, TASK_STATUS.ACTIVE],
  expire: [TASK_STATUS.PENDING],
};

export class InvalidTransitionError extends Error {
  constructor(
    readonly event: TaskEvent['type'],
    readonly from: TaskStatus,
  ) {
    super(`cannot ${event} a task that is ${from}`);
    this.name = 'InvalidTransitionError';
  }
}

export function canApply(event: TaskEvent['type'], from: TaskStatus): boolean {
  return ALLOWED_FROM[event].includes(from);
}

/**
 * Applies one event. Pure: `now` is passed in. Throws InvalidTransitionError when
 * the task's status does not allow the event.
 *
 * A failure goes back to PENDING while attempts remain and the error is
 * retryable; otherwise it is final (FAILED).
 */
export function transition(task: Task, event: TaskEvent, now: Date): Task {
  if (!canApply(event.type, task.status)) throw new InvalidTransitionError(event.type, task.status);
  return { ...apply(task, event, now.toISOString()), revision: task.revision + 1 };
}

function apply(task: Task, event: TaskEvent, at: string): Task {
  switch (event.type) {
    case 'start': {
      const { availableAt: _available, ...rest } = task;
      return {
        ...rest,
        status: TASK_STATUS.ACTIVE,
        attempts: task.attempts + 1,
        worker: event.worker,
        leaseExpiresAt: event.leaseExpiresAt,
        ...(event.lease !== undefined ? { lease: event.lease } : {}),
        startedAt: at,
        updatedAt: at,
      };
    }
    case 'extend':
      return { ...task, leaseExpiresAt: event.leaseExpiresAt, updatedAt: at };
    case 'release':
      return { ...endLease(task), status: TASK_STATUS.PENDING, attempts: Math.max(0, task.attempts - 1), updatedAt: at };
    case 'redrive': {
      const { finishedAt: _finished, ...rest } = task;
      return { ...rest, status: TASK_STATUS.PENDING, attempts: 0, updatedAt: at };
    }
    case 'progress':
      return { ...task, progress: event.progress, updatedAt: at };
    case 'complete':
      return {
        ...endLease(task),
        status: TASK_STATUS.COMPLETED,
        result: event.result,
        ...(event.resultRef !== undefined ? { resultRef: event.resultRef } : {}),
        finishedAt: at,
        updatedAt: at,
      };
    case 'fail': {
      return willRetry(task, event.error)
        ? { ...endLease(task), status: TASK_STATUS.PENDING, error: event.error, ...(event.retryAt !== undefined ? { availableAt: event.retryAt } : {}), updatedAt: at }
        : { ...endLease(task), status: TASK_STATUS.FAILED, error: event.error, finishedAt: at, updatedAt: at };
    }
    case 'cancel':
      return { ...endLease(task), status: TASK_STATUS.CANCELLED, finishedAt: at, updatedAt: at };
    case 'expire':
      return { ...task, status: TASK_STATUS.EXPIRED, finishedAt: at, updatedAt: at };
  }
}

/** Would this failure of an ACTIVE task send it back to PENDING (rather than FAILED)? */
export function willRetry(task: Pick<Task, 'attempts' | 'maxAttempts'>, error: TaskError): boolean {
  return error.retryable !== false && task.attempts < task.maxAttempts;
}

/** The attempt is over: its lease, and the worker it ran on, go (the worker stays for a finished task, as history). */
function endLease(task: Task): Task {
  const { leaseExpiresAt: _expires, lease: _lease, ...rest } = task;
  return rest;
}

/** A PENDING task whose deadline has passed must expire instead of starting. */
export function isPastDeadline(task: Pick<Task, 'deadline'>, now: Date): boolean {
  return task.deadline !== undefined && Date.parse(task.deadline) <= now.getTime();
}

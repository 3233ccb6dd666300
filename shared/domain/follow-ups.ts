import { shardOf } from './job.js';
import { isTerminal } from './task-status.js';
import type { Task } from './task.js';

/**
 * Writes that must land in the same atomic step as a task's transition, so no
 * crash can separate them: a job child's outcome counted into its shard, and a
 * completed task's next pipeline stage created.
 */
export interface FollowUps {
  readonly count?: { readonly jobId: string; readonly shard: number; readonly outcome: 'completed' | 'failed' | 'cancelled' };
  readonly next?: Task;
}

/** Routes a stage's requirements to a pool name, or undefined when none offers them. */
export type StageRouter = (requires: readonly string[]) => string | undefined;

/**
 * What must accompany the transition that produced `after`. Only a transition
 * into a terminal status has follow-ups, and a task enters one at most once (the
 * write is conditional), so each follow-up happens exactly once.
 */
export function followUpsOf(after: Task, route: StageRouter, now: Date): FollowUps {
  if (!isTerminal(after.status)) return {};
  const count =
    after.job?.role === 'map'
      ? {
          jobId: after.job.id,
          shard: shardOf(after.job.index ?? 0),
          outcome: after.status === 'COMPLETED' ? ('completed' as const) : after.status === 'FAILED' ? ('failed' as const) : ('cancelled' as const),
        }
      : undefined;
  const next = after.status === 'COMPLETED' && after.then !== undefined ? nextStage(after, route, now) : undefined;
  return { ...(count !== undefined ? { count } : {}), ...(next !== undefined ? { next } : {}) };
}

/** The next stage of a completed task: its result as payload, the same tenant and priority. */
export function nextStage(done: Task, route: StageRouter, now: Date): Task | undefined {
  if (done.then === undefined) return undefined;
  const requires = done.then.requires ?? done.requires;
  const pool = route(requires);
  if (pool === undefined) return undefined;
  const at = now.toISOString();
  return {
    id: nextStageId(done.id),
    tenant: done.tenant,
    type: done.then.type,
    payload: done.result ?? null,
    priority: done.priority,
    requires: [...requires],
    pool,
    status: 'PENDING',
    attempts: 0,
    maxAttempts: done.maxAttempts,
    timeoutSeconds: done.timeoutSeconds,
    delaySeconds: 0,
    ...(done.job !== undefined ? { job: { id: done.job.id, role: 'then' as const } } : {}),
    createdAt: at,
    updatedAt: at,
    revision: 0,
  };
}

/** Deterministic, so creating a stage twice is a conflict, not a duplicate. */
export const nextStageId = (id: string): string => `${id}-then`;

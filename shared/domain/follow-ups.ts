import type { Task } from './task.js';

/** Routes a stage's requirements to a pool name, or undefined when none offers them. */
export type StageRouter = (requires: readonly string[]) => string | undefined;

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
    ...(done.resultRef !== undefined ? { payloadRef: done.resultRef } : {}),
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

/**
 * Deterministic, so creating a stage twice finds the first. `~` never appears in an
 * id a user chooses, so no user's task can take a stage's id.
 */
export const nextStageId = (id: string): string => `${id}~then`;

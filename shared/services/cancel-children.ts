import { childId, reduceTaskId, type Job } from '../domain/job.js';
import { childrenThatMayExist } from '../domain/job-expansion.js';
import { nextStageId } from '../domain/follow-ups.js';
import { NotFoundError } from '../errors.js';
import { mapWithConcurrency } from '../concurrency.js';
import type { JobDeps } from './deps.js';
import { isInvalidTransition } from './task-lifecycle.js';

/**
 * Cancels every child and stage of a stopped job not yet finished. The job is
 * read again first: once it is no longer RUNNING its expansion cannot move, so
 * the children that may exist are those expanded plus the one step a run may
 * have in hand (that run cancels its step itself when it finds the job stopped).
 */
export async function cancelUnfinished(deps: JobDeps, job: Job): Promise<number> {
  const latest = (await deps.jobs.get(job.tenant, job.id)) ?? job;
  const count = childrenThatMayExist(latest);
  const ids = [...Array.from({ length: count }, (_, i) => childId(job.id, i)), reduceTaskId(job.id), nextStageId(reduceTaskId(job.id))];
  return cancelTasks(deps, job.tenant, ids);
}

/** Cancels those of `ids` that are PENDING or ACTIVE; the number cancelled. */
export async function cancelTasks(deps: Pick<JobDeps, 'records' | 'lifecycle'>, tenant: string, ids: readonly string[]): Promise<number> {
  let cancelled = 0;
  for (let i = 0; i < ids.length; i += 100) {
    const pending = (await deps.records.getMany(tenant, ids.slice(i, i + 100))).filter((t) => t.status === 'PENDING' || t.status === 'ACTIVE');
    await mapWithConcurrency(pending, 16, async (task) => {
      try {
        await deps.lifecycle.move(task.tenant, task.id, { type: 'cancel' }, { seen: task });
        cancelled++;
      } catch (error) {
        if (!isInvalidTransition(error) && !(error instanceof NotFoundError)) throw error;
      }
    });
  }
  return cancelled;
}

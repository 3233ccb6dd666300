import { childId, reduceTaskId, type Job } from '../domain/job.js';
import { nextCancelStep } from '../domain/job-cancellation.js';
import { nextStageId } from '../domain/follow-ups.js';
import { NotFoundError } from '../errors.js';
import { mapWithConcurrency } from '../concurrency.js';
import type { JobDeps } from './deps.js';
import { handOver } from './job-messages.js';
import { isInvalidTransition } from './task-lifecycle.js';

/**
 * How long a request (DELETE /jobs/{id}) or a child's fan-in cancels a stopped
 * job's children itself before handing the rest to other runs: a job of a few
 * hundred children is cancelled by the time the answer goes; a larger one
 * answers at once either way (API Gateway gives up after 29 s).
 */
export const INLINE_CANCEL_MS = 3_000;
/** A run's hold outlasts its time by this much (as an expansion's). */
const HOLD_MARGIN_MS = 5_000;

export type CancellationOutcome =
  /** Every child that may exist is finished or cancelled; the cursor is gone. */
  | 'cancelled'
  /** Out of time: another run was asked to carry on from the cursor. */
  | 'handed-over'
  /** Nothing to do here: no cancellation under way, or another run holds it. */
  | 'not-mine';

/**
 * Cancels a stopped job's stages and, for up to `budgetMs`, its children; the
 * rest goes to other runs (a message on the first Lambda pool's queue, or the
 * sweep). For a job that stopped with `unwind` (it has a cancellation cursor);
 * on one without, only its stages are cancelled. While an expansion run still
 * holds the job it returns at once, its children untouched: that run hands the
 * cancellation over when it lets go (or, if it died, the sweep once its hold
 * ended) — nothing here waits for it.
 */
export async function cancelUnfinished(deps: JobDeps, job: Pick<Job, 'id' | 'tenant'>, budgetMs = INLINE_CANCEL_MS): Promise<void> {
  await cancelTasks(deps, job.tenant, stageIds(job.id));
  const deadline = Date.now() + budgetMs;
  await cancelChildren(deps, job.tenant, job.id, () => deadline - Date.now(), 0);
}

/**
 * Runs a stopped job's cancellation from its cursor, a step (CANCEL_STEP
 * children) at a time, while this run holds it: read the step's children,
 * cancel the PENDING and ACTIVE ones (conditional writes, through the
 * lifecycle, each counted once on the job), move the cursor. A crash leaves the
 * cursor before the step; the next run cancels it again, which is harmless
 * (a finished child is skipped). The last step cancels the stages too and
 * removes the cursor. Hands over when less than max(`minReserveMs`, half of
 * what it had, 3 × its slowest step) is left.
 */
export async function cancelChildren(
  deps: JobDeps,
  tenant: string,
  jobId: string,
  remainingMs: () => number,
  minReserveMs: number,
): Promise<CancellationOutcome> {
  const run = deps.newId();
  const now = deps.now();
  const claim = await deps.jobs.claimCancellation(tenant, jobId, run, new Date(now.getTime() + Math.max(0, remainingMs()) + HOLD_MARGIN_MS), now);
  if (claim === undefined) return 'not-mine';
  const { job } = claim;
  const reserveMs = Math.max(minReserveMs, remainingMs() / 2);
  let slowestMs = 0;
  for (let cursor = job.cancelCursor ?? 0, first = true; ; first = false) {
    // At least one step per run, so a cancellation always moves.
    if (!first && remainingMs() < Math.max(reserveMs, 3 * slowestMs)) return await handOver(deps, job, run);
    const stepStarted = Date.now();
    const step = nextCancelStep(job, cursor);
    const ids = Array.from({ length: step.to - step.from }, (_, i) => childId(jobId, step.from + i));
    await cancelTasks(deps, tenant, step.last ? [...ids, ...stageIds(jobId)] : ids);
    if (!(await deps.jobs.advanceCancellation(tenant, jobId, { run, ...step }, deps.now()))) return 'not-mine';
    if (step.last) return 'cancelled';
    cursor = step.to;
    slowestMs = Math.max(slowestMs, Date.now() - stepStarted);
  }
}

/** The stages after a job's children: its reduce, and the stage after that. */
export const stageIds = (jobId: string): string[] => [reduceTaskId(jobId), nextStageId(reduceTaskId(jobId))];

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

import { childrenThatMayExist, expansionFree, isExpanded, type Expansion } from './job-expansion.js';
import type { Cancellation, JobStatus } from './job.js';

/**
 * A stopped job's cancellation, pure: which children the next step cancels,
 * and when the cancellation is done. A job that stops (cancelled, or failed
 * past its policy) while children may be unfinished gets a cursor,
 * `cancelCursor`: children 0 … cancelCursor − 1 are finished or cancelled. Runs
 * move it a step at a time, like the expansion cursor, under the same hold; the
 * last step removes it. See docs/architecture.md, "Cancelling a job".
 */

/** Children one cancellation step reads (4 BatchGets) and cancels. */
export const CANCEL_STEP = 400;


type Cancellable = Partial<Expansion> & Cancellation & { readonly total: number; readonly status: JobStatus };

/** Whether the job stopped with children still to cancel (the cursor is gone once they are all done). */
export function isCancelling(job: Cancellable): boolean {
  return (job.status === 'CANCELLED' || job.status === 'FAILED') && job.cancelCursor !== undefined;
}

/**
 * Where a cancellation ends: every child that may exist. A stopped job's
 * expansion cursor no longer moves (it moves only on a RUNNING job), so this is
 * fixed once the job stopped: the children expanded plus the one step a run
 * may have had in hand.
 */
export function cancellationEnd(job: Cancellable): number {
  return childrenThatMayExist(job);
}

/**
 * The next step from `cursor`: children [from, to), and whether it is the last
 * (then the cursor goes). Never empty unless the cursor is already at the end:
 * that step only finishes the cancellation.
 */
export function nextCancelStep(job: Cancellable, cursor: number, size = CANCEL_STEP): { from: number; to: number; last: boolean } {
  const end = cancellationEnd(job);
  const to = Math.max(cursor, Math.min(end, cursor + size));
  return { from: cursor, to, last: to >= end };
}

/**
 * What GET /jobs/{id} shows for the map stage: CANCELLING while a stopped job's
 * children are being cancelled (its `cancelled` count still rising), DONE once
 * every child finished, CANCELLED for a cancelled job cut short, EXPANDING
 * until every child exists, RUNNING otherwise.
 */
export function mapStageStatus(job: Cancellable, allChildrenFinished: boolean): 'CANCELLING' | 'DONE' | 'CANCELLED' | 'RUNNING' | 'EXPANDING' {
  if (isCancelling(job)) return 'CANCELLING';
  if (allChildrenFinished) return 'DONE';
  if (job.status === 'CANCELLED') return 'CANCELLED';
  return isExpanded(job) ? 'RUNNING' : 'EXPANDING';
}

/**
 * Whether a job still has background work for a job message to carry on: an
 * expansion not finished on a running job, or a stopped job's cancellation.
 */
export function hasJobWork(job: Cancellable): boolean {
  return (job.status === 'RUNNING' && !isExpanded(job)) || isCancelling(job);
}

/**
 * Whether the sweep should ask for a job's background work again: it has some
 * (`hasJobWork`), nothing moved it for `minAgeMs`, and nobody holds it. The
 * hold matters for a job stopped under an expansion run: that run's hold stays
 * on the stopped job until it lets go or its time is up, so whatever it wrote
 * exists before the cancellation passes those ids.
 */
export function jobWorkStalled(job: Cancellable & { readonly updatedAt: string }, now: Date, minAgeMs: number): boolean {
  return hasJobWork(job) && Date.parse(job.updatedAt) <= now.getTime() - minAgeMs && expansionFree(job, now);
}

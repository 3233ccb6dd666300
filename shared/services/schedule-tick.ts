import {
  SCHEDULE_STATUSES,
  overlapAction,
  planDueRuns,
  runIdempotencyKey,
  type Schedule,
} from '../domain/schedule.js';
import type { TaskStatus } from '../domain/task-status.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { DueRef } from '../ports/schedule-store.js';
import { cancelTask } from './cancel-task.js';
import { mapWithConcurrency } from '../concurrency.js';
import { getTask } from './read-tasks.js';
import type { ScheduleDeps } from './schedules.js';
import { submitTasks } from './submit-tasks.js';

export const TICK_DEFAULTS = {
  /** Schedules one tick handles; the rest are still due on the next tick. */
  limit: 500,
  /** `catchUp: none` still runs a due time up to this late: a late tick is not downtime. */
  graceMs: 90_000,
  concurrency: 8,
  /** In a window, the pause before ticking again when something is still due. */
  stillDuePauseMs: 1_000,
} as const;

export interface TickOptions {
  readonly limit?: number;
  readonly graceMs?: number;
}

export interface TickResult {
  readonly due: number;
  readonly submitted: number;
  readonly skipped: number;
  readonly cancelled: number;
  /** Schedules another tick advanced first (their submissions deduplicated by idempotency key). */
  readonly lost: number;
}

/**
 * One tick at `now`: every schedule whose nextRunAt ≤ now submits its due runs
 * (per `catchUp` and `overlap`) through the submit service, each with an
 * idempotency key of schedule id and due time, then advances nextRunAt by a
 * compare-and-set. Timeline of a tick delivered twice:
 *   A reads nextRunAt=T · B reads nextRunAt=T · A submits key(T) → task t
 *   B submits key(T) → t again (idempotent) · A sets nextRunAt=T' if still T ✓
 *   B sets nextRunAt=T' if still T ✗ (lost; nothing else to undo)
 * A crash between submit and advance leaves nextRunAt=T: the next tick submits
 * key(T) again, gets t, and advances.
 */
export async function tickSchedules(deps: ScheduleDeps, now: Date, options: TickOptions = {}): Promise<TickResult> {
  const refs = await deps.schedules.due(now, options.limit ?? TICK_DEFAULTS.limit);
  const outcomes = await mapWithConcurrency(refs, TICK_DEFAULTS.concurrency, async (ref) => {
    try {
      return await runDue(deps, ref, now, options.graceMs ?? TICK_DEFAULTS.graceMs);
    } catch (error) {
      // One broken schedule must not stop the others; it stays due and is tried next tick.
      deps.warn('schedule tick failed', { scheduleId: ref.id, tenant: ref.tenant, error: String(error) });
      return { submitted: 0, skipped: 0, cancelled: 0, lost: 0 };
    }
  });
  const sum = (key: keyof Omit<TickResult, 'due'>): number => outcomes.reduce((n, o) => n + o[key], 0);
  return { due: refs.length, submitted: sum('submitted'), skipped: sum('skipped'), cancelled: sum('cancelled'), lost: sum('lost') };
}

async function runDue(deps: ScheduleDeps, ref: DueRef, now: Date, graceMs: number): Promise<Omit<TickResult, 'due'>> {
  const schedule = await deps.schedules.get(ref.tenant, ref.id);
  const outcome = { submitted: 0, skipped: 0, cancelled: 0, lost: 0 };
  // Advanced, paused or deleted since the due query: nothing to do.
  if (schedule?.nextRunAt === undefined || Date.parse(schedule.nextRunAt) > now.getTime()) return outcome;
  const plan = planDueRuns(schedule, new Date(schedule.nextRunAt), now, graceMs);
  let { lastTaskId } = schedule;
  let lastRunAt = schedule.lastRunAt;
  outcome.skipped += plan.skipped;
  for (const due of plan.runs) {
    lastRunAt = due.toISOString();
    const action = overlapAction(schedule.overlap, await previousStatus(deps, schedule.tenant, lastTaskId));
    if (action === 'skip') {
      outcome.skipped += 1;
      continue;
    }
    if (action === 'cancel-previous' && lastTaskId !== undefined && (await cancelPrevious(deps, schedule.tenant, lastTaskId))) outcome.cancelled += 1;
    const taskId = await submitRun(deps, schedule, due);
    if (taskId === undefined) outcome.skipped += 1;
    else {
      lastTaskId = taskId;
      outcome.submitted += 1;
    }
  }
  const written = await deps.schedules.update(schedule.tenant, schedule.id, schedule.nextRunAt, {
    nextRunAt: plan.next?.toISOString(),
    status: plan.next === undefined ? SCHEDULE_STATUSES.ended : SCHEDULE_STATUSES.active,
    ...(lastRunAt === undefined ? {} : { lastRunAt }),
    ...(lastTaskId === undefined ? {} : { lastTaskId }),
    runs: schedule.runs + outcome.submitted,
    skipped: schedule.skipped + outcome.skipped,
  });
  return written === undefined ? { submitted: 0, skipped: 0, cancelled: 0, lost: 1 } : outcome;
}

/** The previous run's status; undefined when there is none or it is gone (expired by TTL). */
async function previousStatus(deps: ScheduleDeps, tenant: string, taskId: string | undefined): Promise<TaskStatus | undefined> {
  if (taskId === undefined) return undefined;
  try {
    return (await getTask(deps, tenant, taskId)).status;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** true when this call cancelled it; false when it finished meanwhile. */
async function cancelPrevious(deps: ScheduleDeps, tenant: string, taskId: string): Promise<boolean> {
  try {
    await cancelTask(deps, tenant, taskId);
    return true;
  } catch (error) {
    if (error instanceof ConflictError || error instanceof NotFoundError) return false;
    throw error;
  }
}

/** Submits the run due at `due`; its task id (the first one, if this run was submitted before), or undefined if refused. */
async function submitRun(deps: ScheduleDeps, schedule: Schedule, due: Date): Promise<string | undefined> {
  const [result] = await submitTasks(deps, schedule.tenant, [{ ...schedule.task, idempotencyKey: runIdempotencyKey(schedule.id, due) }]);
  if (result?.ok) return result.task.id;
  // The template was valid when written; a pool that has since gone is reported, not retried forever.
  deps.warn('a scheduled run was refused', { scheduleId: schedule.id, tenant: schedule.tenant, due: due.toISOString(), error: String(result?.error) });
  return undefined;
}

/**
 * Ticks at `first`, then keeps ticking at each next due time that falls inside
 * `windowMs` of the wall clock's start, sleeping in between: how a tick invoked
 * once a minute serves `every: 2s`. Returns when nothing more falls inside the
 * window (a minute with no sub-minute schedule costs one tick).
 */
export async function tickWindow(
  deps: ScheduleDeps,
  first: Date,
  windowMs: number,
  sleep: (ms: number) => Promise<void>,
  options: TickOptions = {},
): Promise<TickResult> {
  const end = deps.now().getTime() + windowMs;
  let total = await tickSchedules(deps, first, options);
  // No window: exactly one tick at `first` (the local timer, a test's injected instant).
  if (windowMs <= 0) return total;
  for (;;) {
    const next = await deps.schedules.earliestDue();
    if (next === undefined || next.getTime() >= end) return total;
    // Still due right after a tick means a schedule failed or a catch-up batch is left:
    // pause a moment rather than spin on it.
    const wait = next.getTime() - deps.now().getTime();
    await sleep(wait > 0 ? wait : TICK_DEFAULTS.stillDuePauseMs);
    const result = await tickSchedules(deps, deps.now(), options);
    total = {
      due: total.due + result.due,
      submitted: total.submitted + result.submitted,
      skipped: total.skipped + result.skipped,
      cancelled: total.cancelled + result.cancelled,
      lost: total.lost + result.lost,
    };
  }
}

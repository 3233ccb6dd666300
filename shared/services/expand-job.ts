import { childId, type Job } from '../domain/job.js';
import { nextStep, type ItemChunk } from '../domain/job-expansion.js';
import { TASK_DEFAULTS } from '../domain/limits.js';
import { newTask, type Json, type Task } from '../domain/task.js';
import { isCancelling } from '../domain/job-cancellation.js';
import { cancelChildren, cancelTasks, cancelUnfinished, type CancellationOutcome } from './cancel-children.js';
import type { JobDeps } from './deps.js';
import { continueExpansion, handOver } from './job-messages.js';

export { continueExpansion, expansionPool } from './job-messages.js';

/**
 * A run hands over when less than the largest of these is left of its
 * invocation: 10 s, half of what it had at the start (the other records of the
 * worker's batch share the invocation), or three times its slowest step (a busy
 * DynamoDB Local takes seconds a step; DynamoDB tens of milliseconds).
 */
export const EXPANSION_RESERVE_MS = 10_000;
/** A run's hold outlasts its invocation by this much (Lambda ends the invocation at its timeout). */
const HOLD_MARGIN_MS = 5_000;

export type ExpansionOutcome =
  /** Every child written and sent. */
  | 'expanded'
  /** Out of time: another run was asked to carry on from the cursor. */
  | 'handed-over'
  /** The job stopped meanwhile (cancelled, failed); the step in hand was cancelled too. */
  | 'stopped'
  /** Nothing to do here: already expanded, stopped, or another run holds the expansion. */
  | 'not-mine';

/**
 * Writes and sends a job's children, a step (≤ 250) at a time from the job's
 * cursor, while this run holds the expansion (a conditional write on the job;
 * see the store). Timeline of one step: read its chunk of items (once per run)
 * → write the step's children (in bulk) → send them → move the cursor. A crash
 * anywhere leaves the cursor before the step and the hold in place (a run that
 * throws does not let go either), so the next run (the sweep asks for one when
 * the job stops moving) waits for the hold to end and, having taken it from a
 * run that never let go, treats its first step as possibly half done: it
 * writes only the missing children (a bulk write replaces items, and a child
 * may already be running) and sends the PENDING ones again (a duplicate message
 * is harmless: claims are conditional). A run that hands over lets go after a
 * whole step, so the next one writes in bulk at once. Only one run holds the
 * expansion at a time, so no two runs write the same step. A job stopped
 * (cancelled, failed) under a run keeps the run's hold, and its cancellation
 * waits for it: the run finds out at its move, cancels its step and lets go;
 * a run that died lets go when its time is up, after whatever it wrote exists.
 */
export async function expandJob(deps: JobDeps, tenant: string, jobId: string, remainingMs: () => number): Promise<ExpansionOutcome> {
  const run = deps.newId();
  const now = deps.now();
  const claim = await deps.jobs.claimExpansion(tenant, jobId, run, new Date(now.getTime() + Math.max(0, remainingMs()) + HOLD_MARGIN_MS), now);
  const job = claim?.job;
  if (claim === undefined || job?.chunkStarts === undefined) return 'not-mine';
  const expandable = { ...job, chunkStarts: job.chunkStarts };
  const chunks = new Map<number, ItemChunk>();
  // A run that throws keeps its hold until its time is up: the next run then knows to re-check its first step.
  // Only a run that died holding the expansion can have left a step half done.
  let suspect = claim.takenOver;
  let slowestMs = 0;
  const reserveMs = Math.max(EXPANSION_RESERVE_MS, remainingMs() / 2);
  for (let step = nextStep(expandable, job.expanded ?? 0); step !== undefined; step = nextStep(expandable, step.to), suspect = false) {
    if (remainingMs() < Math.max(reserveMs, 3 * slowestMs)) return await handOver(deps, job, run);
    const stepStarted = Date.now();
    const chunk = chunks.get(step.chunk) ?? (await deps.jobs.getChunk(tenant, jobId, step.chunk));
    if (chunk === undefined) return await failJob(deps, job, run, remainingMs, `chunk ${step.chunk} of the job's items is missing (expired before it was expanded)`);
    chunks.set(step.chunk, chunk);
    const at = deps.now();
    const { from, to } = step;
    const children = chunk.items.slice(from - chunk.start, to - chunk.start).map((payload, i) => childTask(job, from + i, payload, at));
    const toSend = suspect ? await writeMissing(deps, tenant, children) : await deps.lifecycle.createChildren(children);
    const { failed } = await deps.lifecycle.enqueue(toSend);
    // The cursor stays: the next run sends this step's PENDING children again.
    if (failed > 0) throw new Error(`job ${jobId}: ${failed} children of ${from}…${to - 1} could not be queued`);
    if (!(await deps.jobs.advanceExpansion(tenant, jobId, { run, from, to, last: to >= job.total }, deps.now()))) {
      const latest = await deps.jobs.get(tenant, jobId);
      // Still RUNNING: this run outlived its hold and another took over (its first step re-checks these children).
      if (latest?.status === 'RUNNING') return 'not-mine';
      // Cancelled or failed meanwhile. Its cancellation waits for this run's hold (unless the hold ran out and
      // it already passed these ids): cancel the step, then let go so the cancellation starts now.
      await cancelTasks(deps, tenant, children.map((c) => c.id));
      await handOverStopped(deps, latest ?? job, run, remainingMs);
      return 'stopped';
    }
    slowestMs = Math.max(slowestMs, Date.now() - stepStarted);
  }
  return 'expanded';
}

/**
 * A job's message (`<job>~expand`) on a worker: it carries the job's
 * background work on from its cursor — the expansion while the job runs, the
 * cancellation of its children once it stopped. One message kind for both, so
 * the sweep, the hold and the dead-letter handling serve both alike.
 */
export async function runJobMessage(deps: JobDeps, tenant: string, jobId: string, remainingMs: () => number): Promise<ExpansionOutcome | CancellationOutcome> {
  const job = await deps.jobs.get(tenant, jobId);
  if (job === undefined) return 'not-mine';
  if (isCancelling(job)) return cancelChildren(deps, tenant, jobId, remainingMs, EXPANSION_RESERVE_MS);
  return job.status === 'RUNNING' ? expandJob(deps, tenant, jobId, remainingMs) : 'not-mine';
}

/**
 * A job whose items are gone cannot finish: it fails, and what it started is
 * cancelled (a bounded part here, the rest by other runs). This run holds the
 * expansion, which the cancellation needs: it lets go first (its step was not
 * written: the chunk is read before). Stopped by someone else meanwhile, it
 * hands over like a run that finds the job stopped at its move.
 */
async function failJob(deps: JobDeps, job: Job, run: string, remainingMs: () => number, error: string): Promise<ExpansionOutcome> {
  const now = deps.now();
  const failed = await deps.jobs.transition(job.tenant, job.id, ['RUNNING'], { status: 'FAILED', error, finishedAt: now.toISOString(), unwind: true }, now);
  if (failed) {
    await deps.jobs.releaseExpansion(job.tenant, job.id, run);
    await cancelUnfinished(deps, job);
  } else {
    // No longer RUNNING: cancelled (or failed) meanwhile.
    await handOverStopped(deps, (await deps.jobs.get(job.tenant, job.id)) ?? job, run, remainingMs);
  }
  return 'stopped';
}

/**
 * An expansion run that found its job stopped (and cancelled what it had in
 * hand) lets go of the hold, which kept the job's cancellation waiting, and
 * asks for the cancellation at once: a job message, or — no Lambda pool to run
 * one, or the send failed — a stretch of it in this run (the sweep resumes the
 * rest either way). A release of a hold this run no longer has changes nothing.
 */
async function handOverStopped(deps: JobDeps, latest: Job, run: string, remainingMs: () => number): Promise<void> {
  await deps.jobs.releaseExpansion(latest.tenant, latest.id, run);
  // Stopped without a cursor (or its cancellation already done): nothing to hand over.
  if (!isCancelling(latest)) return;
  if (!(await continueExpansion(deps, latest))) await cancelChildren(deps, latest.tenant, latest.id, remainingMs, EXPANSION_RESERVE_MS);
}

/** A job's child `index`: its id is fixed, so a child is never written twice under two ids. */
export function childTask(job: Job, index: number, payload: Json, now: Date): Task {
  return newTask(
    { type: job.mapType, payload, priority: job.priority, requires: job.requires, ...TASK_DEFAULTS },
    { id: childId(job.id, index), tenant: job.tenant, pool: job.pool, now, job: { id: job.id, role: 'map', index } },
  );
}

/** A step a crashed run may have half written: writes its missing children; returns them and the ones still PENDING. */
async function writeMissing(deps: JobDeps, tenant: string, children: readonly Task[]): Promise<readonly Task[]> {
  const existing = await deps.records.getMany(tenant, children.map((c) => c.id));
  const found = new Set(existing.map((t) => t.id));
  const missing = children.filter((c) => !found.has(c.id));
  const written = missing.length > 0 ? await deps.lifecycle.createChildren(missing) : [];
  return [...written, ...existing.filter((t) => t.status === 'PENDING')];
}

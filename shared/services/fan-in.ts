import { allowedFailures, childId, fanInDecision, reduceTaskId, type Job } from '../domain/job.js';
import { hasJobWork, jobWorkStalled } from '../domain/job-cancellation.js';
import { TASK_DEFAULTS } from '../domain/limits.js';
import { isTerminal } from '../domain/task-status.js';
import { newTask, type Task } from '../domain/task.js';
import { DuplicateTaskIdError } from '../errors.js';
import { cancelUnfinished } from './cancel-children.js';
import { enqueueChildren, type JobDeps } from './jobs.js';
import { continueExpansion, expansionPool, runJobMessage } from './expand-job.js';

/**
 * What a task's final transition means for its job (the lifecycle calls this
 * after the commit): a reduce or last stage finishes its job. A map child's end
 * is counted from the table's stream, and the stream consumer runs the fan-in
 * once the batch is counted (`jobsCounted`), so here it does nothing. Safe to
 * run twice, and the sweep runs the job checks again for any job a crash left behind.
 */
export async function onTaskFinished(deps: JobDeps, task: Task): Promise<void> {
  if (!isTerminal(task.status) || task.job === undefined || task.job.role === 'map') return;
  // The reduce, or the stage after it: the job ends with the last stage that runs.
  if (task.job.role === 'reduce' && task.status === 'COMPLETED' && task.then !== undefined) return;
  const now = deps.now();
  await deps.jobs.transition(
    task.tenant,
    task.job.id,
    ['REDUCING'],
    {
      status: task.status === 'COMPLETED' ? 'COMPLETED' : task.status === 'CANCELLED' ? 'CANCELLED' : 'FAILED',
      ...(task.status !== 'COMPLETED' ? { error: `${task.job.role} stage ${task.status}: ${task.error?.message ?? ''}`.trim() } : {}),
      finishedAt: now.toISOString(),
    },
    now,
  );
}

/**
 * Checks a RUNNING job's counts and acts on the decision. Every worker that
 * finishes a child may get here at once; the job's conditional transition lets
 * exactly one of them start the reduce (whose id is fixed, so even a repeat
 * cannot create a second one).
 */
export async function fanIn(deps: JobDeps, tenant: string, jobId: string): Promise<void> {
  const job = await deps.jobs.get(tenant, jobId);
  if (job === undefined || job.status !== 'RUNNING') return;
  const counts = await deps.jobs.counts(tenant, jobId);
  const decision = fanInDecision({ total: job.total, failurePolicy: job.failurePolicy, ...(job.reduceType ? { reduce: job.reduceType } : {}) }, counts);
  const now = deps.now();
  switch (decision) {
    case 'wait':
      return;
    case 'complete':
      await deps.jobs.transition(tenant, jobId, ['RUNNING'], { status: 'COMPLETED', finishedAt: now.toISOString() }, now);
      return;
    case 'fail': {
      const error = `${counts.failed + counts.cancelled} of ${job.total} children did not complete; the failure policy allows ${allowedFailures(job.total, job.failurePolicy)}`;
      if (await deps.jobs.transition(tenant, jobId, ['RUNNING'], { status: 'FAILED', error, finishedAt: now.toISOString(), unwind: true }, now)) {
        await cancelUnfinished(deps, job);
      }
      return;
    }
    case 'reduce':
      if (await deps.jobs.transition(tenant, jobId, ['RUNNING'], { status: 'REDUCING', reduceTaskId: reduceTaskId(jobId) }, now)) {
        await startReduce(deps, job, counts.completed);
      }
  }
}

/** Creates (once: its id is fixed) and enqueues the reduce task. */
async function startReduce(deps: JobDeps, job: Job, completed: number): Promise<void> {
  if (job.reduceType === undefined) return;
  const reduce = newTask(
    {
      type: job.reduceType,
      payload: { jobId: job.id, total: job.total, completed },
      priority: job.priority,
      requires: job.requires,
      ...TASK_DEFAULTS,
      ...(job.thenType !== undefined ? { then: { type: job.thenType } } : {}),
    },
    { id: reduceTaskId(job.id), tenant: job.tenant, pool: job.pool, now: deps.now(), job: { id: job.id, role: 'reduce' } },
  );
  try {
    await deps.lifecycle.create(reduce);
  } catch (error) {
    // Created before (its id is fixed): make sure it is queued.
    if (!(error instanceof DuplicateTaskIdError)) throw error;
    const existing = await deps.records.get(job.tenant, reduce.id);
    if (existing?.status === 'PENDING') await deps.lifecycle.enqueue([existing]);
  }
}

/** How long the sweep expands a job itself when no Lambda pool can (every pool runs on agents). */
const SWEEP_EXPANSION_MS = 30_000;

/**
 * The scheduled sweep over active jobs: resumes an expansion, or a stopped
 * job's cancellation, that stopped moving (its run crashed, or its message was
 * lost: in a DLQ, or gone with a local restart), resends the children of a
 * job whose enqueue stopped part way, re-checks fan-in (a crash between a
 * child's last write and its check), and starts a reduce a crash left unstarted.
 */
export async function reconcileJobs(deps: JobDeps, minAgeSeconds = 60): Promise<{ checked: number }> {
  const jobs = await deps.jobs.listActive(100);
  const cutoff = deps.now().getTime() - minAgeSeconds * 1000;
  for (const job of jobs) {
    if (Date.parse(job.updatedAt) > cutoff) continue;
    if (hasJobWork(job)) {
      // An expansion or a stopped job's cancellation that stopped moving (its run crashed, or its message was
      // lost); while a run holds it, it is that run's. No fan-in is due before every child exists.
      if (jobWorkStalled(job, deps.now(), minAgeSeconds * 1000)) await resumeJobWork(deps, job);
      continue;
    }
    if (job.status === 'RUNNING' && !job.childrenEnqueued) {
      const ids = Array.from({ length: job.total }, (_, i) => childId(job.id, i));
      const pending = (await deps.records.getMany(job.tenant, ids)).filter((t) => t.status === 'PENDING');
      // One send of them all: the job is marked enqueued only if every one went.
      await enqueueChildren(deps, job, pending);
    }
    if (job.status === 'RUNNING') await fanIn(deps, job.tenant, job.id);
    if (job.status === 'REDUCING' && (await deps.records.get(job.tenant, reduceTaskId(job.id))) === undefined) {
      await startReduce(deps, job, (await deps.jobs.counts(job.tenant, job.id)).completed);
    }
  }
  return { checked: jobs.length };
}

/** A stalled expansion or cancellation: a job message for a worker to carry on, or (no Lambda pool) a stretch of it here. */
async function resumeJobWork(deps: JobDeps, job: Job): Promise<void> {
  if (expansionPool(deps) !== undefined) {
    await continueExpansion(deps, job);
    return;
  }
  const deadline = Date.now() + SWEEP_EXPANSION_MS;
  await runJobMessage(deps, job.tenant, job.id, () => deadline - Date.now());
}

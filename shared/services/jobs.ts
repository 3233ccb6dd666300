import { childId, jobProgress, parseJobInput, reduceTaskId, type Job } from '../domain/job.js';
import { nextStageId } from '../domain/follow-ups.js';
import { TASK_DEFAULTS } from '../domain/limits.js';
import { newTask, toTaskView, type Task, type TaskView } from '../domain/task.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { lazyFleet, placeTask } from './placement.js';
import type { JobStore } from '../ports/job-store.js';
import { mapWithConcurrency } from '../concurrency.js';
import type { Services } from './deps.js';
import { isInvalidTransition } from './task-lifecycle.js';

export interface JobDeps extends Pick<Services, 'lifecycle' | 'records' | 'agents' | 'pools' | 'newId' | 'now' | 'warn'> {
  readonly jobs: JobStore;
}

/**
 * POST /jobs: the job, then its children (one task per item, in bulk) on their
 * queues. Children carry the job's priority, pool and tenant. If enqueueing
 * stops part way, the job stays marked as not fully enqueued and the
 * reconciler sends its PENDING children again.
 */
export async function submitJob(deps: JobDeps, tenant: string, raw: unknown): Promise<Job> {
  const parsed = parseJobInput(raw);
  if (!parsed.ok) throw new ValidationError(parsed.fields);
  const input = parsed.value;
  if (input.then !== undefined && input.reduce === undefined) {
    throw new ValidationError([{ field: 'then', message: 'needs a reduce: the next stage runs on the reduce result' }]);
  }
  const route = await placeTask(deps, lazyFleet(deps, tenant), { requires: input.requires }, 'requires');
  if (!route.ok) throw route.error;
  const now = deps.now();
  const at = now.toISOString();
  const job: Job = {
    id: deps.newId(),
    tenant,
    status: 'RUNNING',
    total: input.map.items.length,
    mapType: input.map.type,
    ...(input.reduce !== undefined ? { reduceType: input.reduce.type } : {}),
    ...(input.then !== undefined ? { thenType: input.then.type } : {}),
    priority: input.priority,
    requires: input.requires,
    pool: route.pool.name,
    failurePolicy: input.failurePolicy,
    childrenEnqueued: false,
    createdAt: at,
    updatedAt: at,
  };
  await deps.jobs.create(job);
  const children = input.map.items.map((payload, index) =>
    newTask(
      { type: job.mapType, payload, priority: job.priority, requires: job.requires, ...TASK_DEFAULTS },
      { id: childId(job.id, index), tenant, pool: job.pool, now, job: { id: job.id, role: 'map', index } },
    ),
  );
  const written = await deps.lifecycle.createChildren(children);
  await enqueueChildren(deps, job, written);
  return job;
}

/** Sends children to their queue (agent pools need nothing); marks the job when all went. */
export async function enqueueChildren(deps: JobDeps, job: Job, children: readonly Task[]): Promise<void> {
  const { failed } = await deps.lifecycle.enqueue(children);
  if (failed === 0) await deps.jobs.markChildrenEnqueued(job.tenant, job.id);
  else deps.warn('some job children were not enqueued; the reconciler will send them', { jobId: job.id, tenant: job.tenant, failed });
}

export interface JobView {
  readonly id: string;
  readonly status: Job['status'];
  readonly total: number;
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly progress: number;
  readonly stages: readonly { name: 'map' | 'reduce' | 'then'; type: string; status: string; taskId?: string }[];
  /** The final stage's result. */
  readonly result?: TaskView['result'];
  readonly error?: string;
  readonly createdAt: string;
  readonly finishedAt?: string;
}

/** GET /jobs/{id}: counts, progress, stages and the result. */
export async function getJob(deps: JobDeps, tenant: string, id: string): Promise<JobView> {
  const job = await ownJob(deps, tenant, id);
  const counts = await deps.jobs.counts(tenant, id);
  const [reduce, then] = await deps.records.getMany(tenant, [reduceTaskId(id), nextStageId(reduceTaskId(id))]).then((tasks) => [
    tasks.find((t) => t.id === reduceTaskId(id)),
    tasks.find((t) => t.id === nextStageId(reduceTaskId(id))),
  ]);
  const mapDone = counts.completed + counts.failed + counts.cancelled >= job.total;
  const stages: JobView['stages'][number][] = [
    { name: 'map', type: job.mapType, status: mapDone ? 'DONE' : job.status === 'CANCELLED' ? 'CANCELLED' : 'RUNNING' },
  ];
  if (job.reduceType !== undefined) stages.push({ name: 'reduce', type: job.reduceType, status: reduce?.status ?? 'WAITING', ...(reduce ? { taskId: reduce.id } : {}) });
  if (job.thenType !== undefined) stages.push({ name: 'then', type: job.thenType, status: then?.status ?? 'WAITING', ...(then ? { taskId: then.id } : {}) });
  const final = then ?? reduce;
  return {
    id: job.id,
    status: job.status,
    total: job.total,
    ...counts,
    progress: Math.round(jobProgress(job.total, counts) * 1000) / 1000,
    stages,
    ...(final?.status === 'COMPLETED' ? { result: toTaskView(final).result } : {}),
    ...(job.error !== undefined ? { error: job.error } : {}),
    createdAt: job.createdAt,
    ...(job.finishedAt !== undefined ? { finishedAt: job.finishedAt } : {}),
  };
}

/** DELETE /jobs/{id}: CANCELLED, and its pending children and stages with it. */
export async function cancelJob(deps: JobDeps, tenant: string, id: string): Promise<JobView> {
  const job = await ownJob(deps, tenant, id);
  const now = deps.now();
  if (!(await deps.jobs.transition(tenant, id, ['RUNNING', 'REDUCING'], { status: 'CANCELLED', finishedAt: now.toISOString() }, now))) {
    throw new ConflictError('already_terminal', `job ${id} is already ${job.status}`);
  }
  await cancelUnfinished(deps, job);
  return getJob(deps, tenant, id);
}

/** Cancels every child and stage of a job not yet finished. */
export async function cancelUnfinished(deps: JobDeps, job: Job): Promise<number> {
  const ids = [...Array.from({ length: job.total }, (_, i) => childId(job.id, i)), reduceTaskId(job.id), nextStageId(reduceTaskId(job.id))];
  let cancelled = 0;
  for (let i = 0; i < ids.length; i += 100) {
    const pending = (await deps.records.getMany(job.tenant, ids.slice(i, i + 100))).filter((t) => t.status === 'PENDING' || t.status === 'ACTIVE');
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

export async function ownJob(deps: Pick<JobDeps, 'jobs'>, tenant: string, id: string): Promise<Job> {
  const job = await deps.jobs.get(tenant, id);
  if (job === undefined) throw new NotFoundError('job', id);
  return job;
}

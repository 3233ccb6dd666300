import { jobProgress, parseJobInput, reduceTaskId, type Job, type JobInput } from '../domain/job.js';
import { childrenWritten, chunkItems, STEP_CHILDREN } from '../domain/job-expansion.js';
import { mapStageStatus } from '../domain/job-cancellation.js';
import { nextStageId } from '../domain/follow-ups.js';
import { toTaskView, type Task, type TaskView } from '../domain/task.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { lazyFleet, placeTask } from './placement.js';
import type { JobDeps } from './deps.js';
import type { JobPatch } from '../ports/job-store.js';

export type { JobDeps } from './deps.js';
import { cancelTasks, cancelUnfinished, stageIds } from './cancel-children.js';
import { continueExpansion, expandJob, expansionPool } from './expand-job.js';

/** How long stored items are kept: far longer than any expansion takes, or is resumed in. */
const CHUNK_RETENTION_MS = 7 * 24 * 3600 * 1000;
/** A job of one step is expanded inside the request, within this budget (API Gateway waits 29 s). */
const INLINE_BUDGET_MS = 25_000;

/**
 * POST /jobs: the items are stored in chunks, then the job (with its
 * idempotency key, in one transaction), and the answer does not wait for the
 * children: an expansion message makes a Lambda pool's worker write and send
 * them (expand-job.ts). A job of one step (≤ 250 items) is expanded here, in
 * the request. With an `idempotencyKey`, a retried submission returns the job
 * the first one created (`created: false`); the sweep resumes an expansion that
 * stopped.
 */
export async function submitJob(deps: JobDeps, tenant: string, raw: unknown): Promise<Job & { readonly created: boolean }> {
  const parsed = parseJobInput(raw);
  if (!parsed.ok) throw new ValidationError(parsed.fields);
  const input = parsed.value;
  if (input.then !== undefined && input.reduce === undefined) {
    throw new ValidationError([{ field: 'then', message: 'needs a reduce: the next stage runs on the reduce result' }]);
  }
  // A replay answers before storing the items again.
  const replayed = input.idempotencyKey === undefined ? undefined : await replay(deps, tenant, input.idempotencyKey);
  if (replayed !== undefined) return { ...replayed, created: false };
  const route = await placeTask(deps, lazyFleet(deps, tenant), { requires: input.requires }, 'requires');
  if (!route.ok) throw route.error;
  const now = deps.now();
  const chunks = chunkItems(input.map.items, input.itemBytes);
  const fresh = newJob(deps.newId(), tenant, input, route.pool.name, chunks.map((c) => c.start), now);
  // Chunks first: a job that has `chunkStarts` can always read them.
  await deps.jobs.putChunks(tenant, fresh.id, chunks, new Date(now.getTime() + CHUNK_RETENTION_MS));
  const { created, job } = await deps.jobs.create(fresh, input.idempotencyKey);
  if (!created) return { ...job, created };
  // One step, or no Lambda pool to expand on: here, in the request.
  if (input.map.items.length <= STEP_CHILDREN || expansionPool(deps) === undefined) {
    const deadline = Date.now() + INLINE_BUDGET_MS;
    // The job is accepted either way: what this request could not write, the sweep resumes.
    await expandJob(deps, tenant, job.id, () => deadline - Date.now()).catch((error: unknown) =>
      deps.warn('a job was not fully expanded in its request; the sweep will resume it', { jobId: job.id, tenant, error: String(error) }),
    );
  } else {
    await continueExpansion(deps, job);
  }
  return { ...job, created };
}

/** A new RUNNING job, nothing expanded yet. */
function newJob(id: string, tenant: string, input: JobInput, pool: string, chunkStarts: readonly number[], now: Date): Job {
  const at = now.toISOString();
  return {
    id,
    tenant,
    status: 'RUNNING',
    total: input.map.items.length,
    mapType: input.map.type,
    ...(input.reduce !== undefined ? { reduceType: input.reduce.type } : {}),
    ...(input.then !== undefined ? { thenType: input.then.type } : {}),
    priority: input.priority,
    requires: input.requires,
    pool,
    failurePolicy: input.failurePolicy,
    childrenEnqueued: false,
    chunkStarts,
    expanded: 0,
    createdAt: at,
    updatedAt: at,
  };
}

async function replay(deps: JobDeps, tenant: string, key: string): Promise<Job | undefined> {
  const id = await deps.jobs.idempotent(tenant, key);
  return id === undefined ? undefined : deps.jobs.get(tenant, id);
}

/** Sends children to their queue (agent pools need nothing); marks the job when all went. */
export async function enqueueChildren(deps: JobDeps, job: Job, children: readonly Task[]): Promise<void> {
  const { failed } = await deps.lifecycle.enqueue(children);
  if (failed === 0) await deps.jobs.markChildrenEnqueued(job.tenant, job.id);
  else deps.warn('some job children were not enqueued; the sweep will send them', { jobId: job.id, tenant: job.tenant, failed });
}

export interface JobView {
  readonly id: string;
  readonly status: Job['status'];
  readonly total: number;
  /** Children written so far: `total` once the job's expansion is done. */
  readonly expanded: number;
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly progress: number;
  readonly stages: readonly { name: 'map' | 'reduce' | 'then'; type: string; status: string; taskId?: string }[];
  /** The final stage's result: inline up to 8 KiB, else `null` with `resultRef` unless asked for with `include=result`. */
  readonly result?: TaskView['result'];
  /** The result is kept in the values bucket (over 8 KiB): `GET /jobs/{id}?include=result` returns it. */
  readonly resultRef?: TaskView['resultRef'];
  readonly error?: string;
  readonly createdAt: string;
  readonly finishedAt?: string;
}

/**
 * GET /jobs/{id}[?include=result]: counts, progress, stages and the final
 * stage's result — as GET /tasks/{id} shows a task's: a result over 8 KiB is a
 * `resultRef` unless `include=result` asks for it (up to 5 MiB).
 */
export async function getJob(deps: JobDeps, tenant: string, id: string, include?: string): Promise<JobView> {
  const wanted = (include ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (wanted.some((w) => w !== 'result')) throw new ValidationError([{ field: 'include', message: 'must be result' }]);
  const job = await ownJob(deps, tenant, id);
  const counts = await deps.jobs.counts(tenant, id);
  const [reduce, then] = await deps.records.getMany(tenant, [reduceTaskId(id), nextStageId(reduceTaskId(id))]).then((tasks) => [
    tasks.find((t) => t.id === reduceTaskId(id)),
    tasks.find((t) => t.id === nextStageId(reduceTaskId(id))),
  ]);
  const mapDone = counts.completed + counts.failed + counts.cancelled >= job.total;
  // A job whose children all finished was expanded, even if its last cursor move lost the race to its fan-in.
  const expanded = job.status === 'RUNNING' || job.status === 'CANCELLED' || job.status === 'FAILED' ? childrenWritten(job) : job.total;
  const stages: JobView['stages'][number][] = [{ name: 'map', type: job.mapType, status: mapStageStatus(job, mapDone) }];
  if (job.reduceType !== undefined) stages.push({ name: 'reduce', type: job.reduceType, status: reduce?.status ?? 'WAITING', ...(reduce ? { taskId: reduce.id } : {}) });
  if (job.thenType !== undefined) stages.push({ name: 'then', type: job.thenType, status: then?.status ?? 'WAITING', ...(then ? { taskId: then.id } : {}) });
  const final = then ?? reduce;
  const done = final?.status === 'COMPLETED' ? toTaskView(final) : undefined;
  const resolved = done?.resultRef !== undefined && wanted.includes('result') && final !== undefined ? { result: (await deps.lifecycle.valueOf(final, 'result')) ?? null } : undefined;
  return {
    id: job.id,
    status: job.status,
    total: job.total,
    expanded,
    ...counts,
    progress: Math.round(jobProgress(job.total, counts) * 1000) / 1000,
    stages,
    ...(done !== undefined ? (resolved ?? { result: done.result ?? null, ...(done.resultRef !== undefined ? { resultRef: done.resultRef } : {}) }) : {}),
    ...(job.error !== undefined ? { error: job.error } : {}),
    createdAt: job.createdAt,
    ...(job.finishedAt !== undefined ? { finishedAt: job.finishedAt } : {}),
  };
}

/**
 * DELETE /jobs/{id}: CANCELLED at once, then its stages and pending children.
 * The answer does not wait for a large job's children: this request cancels
 * what it can in INLINE_CANCEL_MS, other runs the rest from the job's
 * cancellation cursor (GET shows the map stage CANCELLING until then). A
 * REDUCING job's children are all finished: only its stages are cancelled.
 */
export async function cancelJob(deps: JobDeps, tenant: string, id: string): Promise<JobView> {
  const job = await ownJob(deps, tenant, id);
  const now = deps.now();
  const patch: JobPatch = { status: 'CANCELLED', finishedAt: now.toISOString(), ...(job.status === 'RUNNING' ? { unwind: true as const } : {}) };
  if (!(await deps.jobs.transition(tenant, id, ['RUNNING', 'REDUCING'], patch, now))) {
    throw new ConflictError('already_terminal', `job ${id} is already ${job.status}`);
  }
  // The job is CANCELLED whatever happens next: what this request leaves, a job message or the sweep carries on.
  await (job.status === 'RUNNING' ? cancelUnfinished(deps, job) : cancelTasks(deps, tenant, stageIds(id)).then(() => undefined)).catch((error: unknown) =>
    deps.warn('the children of a cancelled job were not all cancelled in its request; the sweep will resume', { jobId: id, tenant, error: String(error) }),
  );
  return getJob(deps, tenant, id);
}

export async function ownJob(deps: Pick<JobDeps, 'jobs'>, tenant: string, id: string): Promise<Job> {
  const job = await deps.jobs.get(tenant, id);
  if (job === undefined) throw new NotFoundError('job', id);
  return job;
}

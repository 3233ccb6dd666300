import { z } from 'zod';
import { boundedString } from '../domain/validation.js';
import { PRIORITIES } from '../domain/priority.js';
import { toFieldErrors } from '../domain/task-input.js';
import { ValidationError } from '../errors.js';
import type { DeadLetter, DeadLetterReader, ReceivedLetter } from '../ports/dead-letters.js';
import type { Job } from '../domain/job.js';
import { definedOnly } from '../domain/defined.js';
import { expansionJobId } from '../domain/job-expansion.js';
import { hasJobWork } from '../domain/job-cancellation.js';
import type { JobStore } from '../ports/job-store.js';
import type { TaskRecords } from '../ports/task-records.js';
import { queueKey, type Pool } from '../topology/topology.js';
import { isInvalidTransition, type TaskLifecycle } from './task-lifecycle.js';

export interface DeadLetterDeps {
  readonly lifecycle: TaskLifecycle;
  readonly records: Pick<TaskRecords, 'get'>;
  readonly reader: DeadLetterReader;
  readonly pools: readonly Pool[];
  readonly now: () => Date;
  /** A job message's letter names a job, not a task: its job is read … */
  readonly jobs: Pick<JobStore, 'get'>;
  /** … and, on redrive, asked to carry on (a new job message); false when that could not be sent. */
  readonly continueJob: (job: Pick<Job, 'id' | 'tenant'>) => Promise<boolean>;
}

/** How long letters being looked at stay invisible to others. */
const LOOK_SECONDS = 20;
/** Receives per DLQ in one call: bounds a scan past many letters of other tenants. */
const MAX_RECEIVES_PER_QUEUE = 20;

/** The DLQ query (GET /dlq) and redrive body (POST /dlq/redrive) over these pools; exported for the API document. */
export const deadLetterQuery = (pools: readonly Pool[]) => selection(pools, { limit: z.coerce.number().int().min(1).max(100).default(20) });
export const redriveBody = (pools: readonly Pool[]) =>
  selection(pools, {
    taskIds: z.array(boundedString(256)).min(1).max(100).optional(),
    max: z.int().min(1).max(100).default(10),
  });

function selection(pools: readonly Pool[], extra: z.ZodRawShape) {
  const names = pools.map((p) => p.name) as [string, ...string[]];
  return z.strictObject({
    pool: z.enum(names, { error: `must be one of ${names.join(', ')}` }).optional(),
    priority: z.enum(PRIORITIES, { error: `must be one of ${PRIORITIES.join(', ')}` }).optional(),
    ...extra,
  });
}

function keysOf(pools: readonly Pool[], pool?: string, priority?: string): string[] {
  return pools
    .filter((p) => pool === undefined || p.name === pool)
    .flatMap((p) => PRIORITIES.filter((pr) => priority === undefined || pr === priority).map((pr) => queueKey(p.name, pr)));
}

/**
 * Receives up to `max` of the tenant's letters from the selected DLQs. Letters
 * of other tenants (or not asked for) stay invisible while the scan goes on, so
 * no receive sees one twice, and are put back at the end.
 */
async function collect(deps: DeadLetterDeps, tenant: string, keys: readonly string[], max: number, wanted?: ReadonlySet<string>): Promise<ReceivedLetter[]> {
  const mine: ReceivedLetter[] = [];
  const others: ReceivedLetter[] = [];
  try {
    for (const key of keys) {
      for (let receives = 0; mine.length < max && receives < MAX_RECEIVES_PER_QUEUE; receives++) {
        const batch = await deps.reader.receive(key, 10, LOOK_SECONDS);
        if (batch.length === 0) break;
        for (const letter of batch) {
          const ours = letter.letter.tenant === tenant && (wanted === undefined || wanted.has(letter.letter.taskId));
          (ours && mine.length < max ? mine : others).push(letter);
        }
      }
    }
  } finally {
    await Promise.all(others.map((l) => deps.reader.release(l.queueKey, l.receipt)));
  }
  return mine;
}

/** GET /dlq?pool=&priority=&limit=: the tenant's dead letters, left where they are. */
export async function listDeadLetters(deps: DeadLetterDeps, tenant: string, raw: Record<string, string | undefined>): Promise<{ letters: DeadLetterView[] }> {
  const parsed = deadLetterQuery(deps.pools).safeParse(raw);
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error));
  const { pool, priority, limit } = parsed.data as { pool?: string; priority?: string; limit: number };
  const letters = await collect(deps, tenant, keysOf(deps.pools, pool, priority), limit);
  await Promise.all(letters.map((l) => deps.reader.release(l.queueKey, l.receipt)));
  return {
    letters: letters.map(({ letter, queueKey: queue, messageId }) => ({ ...letterView(letter), ...jobLetter(letter.taskId), queue, messageId })),
  };
}

/** A dead letter as GET /dlq shows it. */
export interface DeadLetterView extends Partial<Omit<DeadLetter, 'tenant' | 'taskId'>> {
  readonly taskId: string;
  readonly jobId?: string;
  readonly queue: string;
  readonly messageId: string;
}

/**
 * What a letter says, field by field: a message SQS itself redrove is the work
 * message as sent (its `sentAt`, a lease token), of which only the task id is shown.
 */
function letterView(letter: ReceivedLetter['letter']): Omit<DeadLetterView, 'queue' | 'messageId'> {
  const { taskId, type, pool, priority, attempts, error, failedAt } = letter;
  return { taskId, ...definedOnly({ type, pool, priority, attempts, error, failedAt }) };
}

/**
 * A job message (`<job>~expand`: a job's expansion or cancellation, which
 * failed on a worker until SQS dead-lettered it) has no task record: its letter
 * says which job it carried, and that the sweep carries the job on anyway.
 */
function jobLetter(taskId: string): { jobId: string; type: string; error: { message: string } } | undefined {
  const jobId = expansionJobId(taskId);
  if (jobId === undefined) return undefined;
  return {
    jobId,
    type: 'job-message',
    error: { message: `a message carrying job ${jobId}'s expansion or cancellation failed on a worker until SQS dead-lettered it; the sweep resumes the job, and a redrive sends a new one` },
  };
}

/**
 * POST /dlq/redrive {pool?, priority?, taskIds?, max?}: replays dead letters. A
 * FAILED task gets fresh attempts (a conditional write) and goes back on its
 * work queue; only then is its letter deleted, so a failed send leaves the
 * letter to replay again. Letters of tasks that finished otherwise are dropped.
 * A job message's letter sends a new job message if its job still has work
 * (expansion, cancellation), else it is dropped.
 */
export async function redriveDeadLetters(deps: DeadLetterDeps, tenant: string, raw: unknown): Promise<{ redriven: string[]; dropped: string[] }> {
  const parsed = redriveBody(deps.pools).safeParse(raw ?? {});
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error));
  const { pool, priority, taskIds, max } = parsed.data as { pool?: string; priority?: string; taskIds?: string[]; max: number };
  const letters = await collect(deps, tenant, keysOf(deps.pools, pool, priority), max, taskIds ? new Set(taskIds) : undefined);
  const redriven: string[] = [];
  const dropped: string[] = [];
  for (const { queueKey: key, receipt, letter } of letters) {
    const jobId = expansionJobId(letter.taskId);
    if (jobId !== undefined) {
      const outcome = await redriveJobLetter(deps, tenant, jobId);
      if (outcome === 'kept') await deps.reader.release(key, receipt);
      else await deps.reader.delete(key, receipt);
      if (outcome !== 'kept') (outcome === 'redriven' ? redriven : dropped).push(letter.taskId);
      continue;
    }
    let task = await deps.records.get(tenant, letter.taskId);
    if (task?.status === 'FAILED') {
      try {
        task = await deps.lifecycle.move(tenant, task.id, { type: 'redrive' }, { seen: task });
      } catch (error) {
        if (!isInvalidTransition(error)) throw error;
        task = await deps.records.get(tenant, letter.taskId);
      }
    }
    if (task === undefined || !(task.status === 'PENDING' || task.status === 'ACTIVE')) {
      await deps.reader.delete(key, receipt);
      dropped.push(letter.taskId);
      continue;
    }
    // A Lambda-pool task needs its message again (an agent-pool one is in its ready set already).
    const { failed } = task.status === 'PENDING' ? await deps.lifecycle.enqueue([task]) : { failed: 0 };
    if (failed > 0) {
      await deps.reader.release(key, receipt);
      continue;
    }
    await deps.reader.delete(key, receipt);
    redriven.push(task.id);
  }
  return { redriven, dropped };
}

/** A job message's letter: a new message if the tenant's job still has work to carry on; kept when that send failed. */
async function redriveJobLetter(deps: DeadLetterDeps, tenant: string, jobId: string): Promise<'redriven' | 'dropped' | 'kept'> {
  const job = await deps.jobs.get(tenant, jobId);
  if (job === undefined || !hasJobWork(job)) return 'dropped';
  return (await deps.continueJob(job)) ? 'redriven' : 'kept';
}

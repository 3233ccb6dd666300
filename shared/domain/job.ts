import { z } from 'zod';
import type { FieldError } from '../errors.js';
import { DEFAULT_PRIORITY, PRIORITIES, type Priority } from './priority.js';
import { LIMITS } from './limits.js';
import type { ParseResult } from './task-input.js';
import { capability, idempotencyKey, jsonDepth, MAX_JSON_DEPTH, toFieldErrors, tooDeep, typeName } from './validation.js';
import type { Json, Task } from './task.js';
import { isTerminal } from './task-status.js';
import type { Expansion } from './job-expansion.js';

/**
 * A job: many map tasks (children) and, once every child is finished, exactly
 * one reduce task over their results. Pure model and fan-in decisions; the
 * bookkeeping that feeds them (sharded counters) lives in the store.
 */
export const JOB_STATUS = {
  RUNNING: 'RUNNING',
  REDUCING: 'REDUCING',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
} as const;
export type JobStatus = (typeof JOB_STATUS)[keyof typeof JOB_STATUS];

export interface FailurePolicy {
  /** The share of children that may fail with the job still reducing over the rest. @default 0 */
  readonly maxFailedFraction: number;
}

export interface JobInput {
  readonly map: { readonly type: string; readonly items: readonly Json[] };
  readonly reduce?: { readonly type: string };
  /** A stage after the reduce (or after the children, without one), fed its result. */
  readonly then?: { readonly type: string };
  readonly priority: Priority;
  readonly requires: readonly string[];
  readonly failurePolicy: FailurePolicy;
  /** A retried submission with the same key (per tenant) returns the same job. */
  readonly idempotencyKey?: string;
}

/**
 * Children per job. A job is expanded asynchronously, so this is bounded by the
 * request (6 MB into Lambda: 100,000 items of ~50 bytes), not by the API's 29 s.
 */
export const MAX_JOB_ITEMS = 100_000;
/** Counter shards per job: completions spread over this many items, none hot. */
export const JOB_SHARDS = 16;

export const jobSchema = z.strictObject({
  // z.unknown, not boundedJson: a parsed request body holds only JSON values, and
  // the per-item loop below checks depth and size at a fraction of the cost of
  // zod's recursive walk over 100,000 items.
  map: z.strictObject({ type: typeName, items: z.array(z.unknown()).min(1).max(MAX_JOB_ITEMS) }),
  reduce: z.strictObject({ type: typeName }).optional(),
  then: z.strictObject({ type: typeName }).optional(),
  priority: z.enum(PRIORITIES, { error: `must be one of ${PRIORITIES.join(', ')}` }).default(DEFAULT_PRIORITY),
  requires: z.array(capability).max(LIMITS.requires).default([]),
  failurePolicy: z.strictObject({ maxFailedFraction: z.number().min(0).max(1).default(0) }).default({ maxFailedFraction: 0 }),
  idempotencyKey: idempotencyKey.optional(),
});

/**
 * Validates a job submission; each oversized, too deep or non-JSON item is named
 * (`map.items.7`). `itemBytes` are the items' serialized sizes, for chunking.
 */
export function parseJobInput(raw: unknown): ParseResult<JobInput & { readonly itemBytes: readonly number[] }> {
  const parsed = jobSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, fields: toFieldErrors(parsed.error) };
  const fields: FieldError[] = [];
  const itemBytes = parsed.data.map.items.map((item, index) => {
    const field = `map.items.${index}`;
    // Depth first: serializing a document nested thousands deep could overflow the stack.
    if (jsonDepth(item) > MAX_JSON_DEPTH) {
      fields.push({ field, message: tooDeep() });
      return 0;
    }
    const text = item === undefined || typeof item === 'function' || typeof item === 'bigint' || typeof item === 'symbol' ? undefined : JSON.stringify(item);
    if (text === undefined) fields.push({ field, message: 'is not a JSON value' });
    const bytes = text === undefined ? 0 : Buffer.byteLength(text, 'utf8');
    if (bytes > LIMITS.jobItemBytes) fields.push({ field, message: `is ${bytes} bytes serialized; the limit is ${LIMITS.jobItemBytes}` });
    return bytes;
  });
  if (fields.length > 0) return { ok: false, fields };
  const { map, reduce, then, priority, requires, failurePolicy, idempotencyKey: key } = parsed.data;
  return {
    ok: true,
    value: {
      itemBytes,
      ...(key !== undefined ? { idempotencyKey: key } : {}),
      map: { type: map.type, items: map.items as Json[] },
      ...(reduce !== undefined ? { reduce } : {}),
      ...(then !== undefined ? { then } : {}),
      priority,
      requires: [...new Set(requires)],
      failurePolicy,
    },
  };
}

/** Finished children so far, summed over the shards. */
export interface ChildCounts {
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
}

export const NO_CHILDREN_DONE: ChildCounts = { completed: 0, failed: 0, cancelled: 0 };

export function sumShards(shards: readonly Partial<ChildCounts>[]): ChildCounts {
  return shards.reduce<ChildCounts>(
    (sum, s) => ({ completed: sum.completed + (s.completed ?? 0), failed: sum.failed + (s.failed ?? 0), cancelled: sum.cancelled + (s.cancelled ?? 0) }),
    NO_CHILDREN_DONE,
  );
}

/** Which counter shard a child's outcome is added to. */
export function shardOf(childIndex: number, shards = JOB_SHARDS): number {
  return childIndex % shards;
}

/** A job child's outcome, when this transition of it is its final one: each child has one, so it is counted once. */
export function childOutcome(
  before: Pick<Task, 'status'> | undefined,
  after: Pick<Task, 'status' | 'job' | 'tenant'> | undefined,
): { readonly tenant: string; readonly jobId: string; readonly outcome: keyof ChildCounts } | undefined {
  if (after?.job?.role !== 'map' || !isTerminal(after.status) || before === undefined || isTerminal(before.status)) return undefined;
  const outcome = after.status === 'COMPLETED' ? 'completed' : after.status === 'FAILED' ? 'failed' : 'cancelled';
  return { tenant: after.tenant, jobId: after.job.id, outcome };
}

/** What a batch of transitions adds to each job's child counts, by `<tenant>\u0000<job id>`. */
export type JobCountDeltas = ReadonlyMap<string, { readonly tenant: string; readonly jobId: string; readonly counts: ChildCounts }>;

/** The child counts a batch of a table's changes adds (see childOutcome). */
export function jobCountDeltas(changes: readonly { readonly before?: Pick<Task, 'status'>; readonly after?: Pick<Task, 'status' | 'job' | 'tenant'> }[]): JobCountDeltas {
  const deltas = new Map<string, { tenant: string; jobId: string; counts: ChildCounts }>();
  for (const { before, after } of changes) {
    const child = childOutcome(before, after);
    if (child === undefined) continue;
    const key = `${child.tenant}\u0000${child.jobId}`;
    const entry = deltas.get(key) ?? { tenant: child.tenant, jobId: child.jobId, counts: NO_CHILDREN_DONE };
    deltas.set(key, { ...entry, counts: { ...entry.counts, [child.outcome]: entry.counts[child.outcome] + 1 } });
  }
  return deltas;
}

/** Failed (or cancelled) children a job tolerates before it fails. */
export function allowedFailures(total: number, policy: FailurePolicy): number {
  return Math.floor(total * policy.maxFailedFraction + 1e-9);
}

export type FanInDecision =
  /** Children still running. */
  | 'wait'
  /** Every child finished within tolerance: start the reduce (exactly once). */
  | 'reduce'
  /** Every child finished and there is no reduce: the job is done. */
  | 'complete'
  /** Beyond the failure tolerance: fail the job and cancel what is pending. */
  | 'fail';

/**
 * What a running job should do now. Decided from counts alone, so every worker
 * that finishes a child reaches the same answer; only the store's conditional
 * write decides which of them acts on it.
 */
export function fanInDecision(job: { total: number; reduce?: unknown; failurePolicy: FailurePolicy }, counts: ChildCounts): FanInDecision {
  if (counts.failed + counts.cancelled > allowedFailures(job.total, job.failurePolicy)) return 'fail';
  if (counts.completed + counts.failed + counts.cancelled < job.total) return 'wait';
  return job.reduce !== undefined ? 'reduce' : 'complete';
}

/** The children's share of a job's progress: finished over total. */
export function jobProgress(total: number, counts: ChildCounts): number {
  return total === 0 ? 1 : (counts.completed + counts.failed + counts.cancelled) / total;
}

/** A stopped job's cancellation cursor (job-cancellation.ts has its rules). */
export interface Cancellation {
  /** Children 0 … cancelCursor − 1 are finished; present only while the cancellation runs. */
  readonly cancelCursor?: number;
}

/**
 * A job as stored; the expansion's fields while its children are being written
 * (job-expansion.ts), the cancellation's while a stopped job's are being
 * cancelled (job-cancellation.ts).
 */
export interface Job extends Partial<Expansion>, Cancellation {
  readonly id: string;
  readonly tenant: string;
  readonly status: JobStatus;
  readonly total: number;
  readonly mapType: string;
  readonly reduceType?: string;
  readonly thenType?: string;
  readonly priority: Priority;
  readonly requires: readonly string[];
  readonly pool: string;
  readonly failurePolicy: FailurePolicy;
  /** All children confirmed on their queue (else the sweep sends the PENDING ones again). */
  readonly childrenEnqueued: boolean;
  readonly reduceTaskId?: string;
  readonly error?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
}

/** A child's id: deterministic, so writing it twice is harmless and the reduce can page through them. */
export const childId = (jobId: string, index: number): string => `${jobId}~${index}`;
/**
 * The job a map child's id names (`<job>~<index>`), or undefined for any other id.
 * User ids cannot hold `~`, so no user task is taken for a child; stages end in a word.
 */
export function mapChildJobId(id: string): string | undefined {
  const match = /^([^~]+)~\d+$/.exec(id);
  return match?.[1];
}
export const reduceTaskId = (jobId: string): string => `${jobId}~reduce`;

import type { ChildCounts, Job, JobStatus } from '../domain/job.js';
import type { ItemChunk } from '../domain/job-expansion.js';
import type { Page } from './task-queries.js';

export interface JobPatch {
  readonly status: JobStatus;
  readonly reduceTaskId?: string;
  readonly error?: string;
  readonly finishedAt?: string;
  /**
   * The job stops with children that may be unfinished: it gets a cancellation
   * cursor at 0 and stays among the active jobs until the cancellation is done.
   * Any expansion hold stays: the run in hand may have written a step past the
   * cursor, so the cancellation (same hold) starts only once that run let go or
   * its time is up — by then whatever it wrote exists and is cancelled.
   */
  readonly unwind?: true;
}

/** Jobs and their sharded child counters; every key is per tenant. */
export interface JobStore {
  /**
   * Writes a new job. With an idempotency key (per tenant), the key and the job
   * are written together; a key seen before returns the job it created instead.
   */
  create(job: Job, idempotencyKey?: string): Promise<{ readonly created: boolean; readonly job: Job }>;
  /** The job a tenant's idempotency key created, if any (a cheap check before storing items). */
  idempotent(tenant: string, key: string): Promise<string | undefined>;
  get(tenant: string, id: string): Promise<Job | undefined>;
  /** The children finished so far, summed over the shards (a consistent read). */
  counts(tenant: string, id: string): Promise<ChildCounts>;
  /** Moves the job on if its status is one of `from`; false when someone else moved it first. */
  transition(tenant: string, id: string, from: readonly JobStatus[], patch: JobPatch, now: Date): Promise<boolean>;
  markChildrenEnqueued(tenant: string, id: string): Promise<void>;
  /** Stores a job's items, chunk `n` of each, expiring at `expiresAt` (before the job: a job with `chunkStarts` can always read them). */
  putChunks(tenant: string, jobId: string, chunks: readonly ItemChunk[], expiresAt: Date): Promise<void>;
  getChunk(tenant: string, jobId: string, n: number): Promise<ItemChunk | undefined>;
  /**
   * Takes the job's expansion for the run `run` until `until`, if the job is
   * RUNNING, not yet expanded, and nobody else holds it (or the holder's time is
   * up). The job as claimed and whether it was taken from a run that never let
   * go (one that died), or undefined.
   */
  claimExpansion(tenant: string, id: string, run: string, until: Date, now: Date): Promise<{ readonly job: Job; readonly takenOver: boolean } | undefined>;
  /**
   * Moves the cursor (`expanded`, children written and sent) from `from` to `to`,
   * only while `run` holds the expansion and the job is RUNNING; the last step
   * also marks the children enqueued and lets the expansion go. False when the
   * run lost its hold or the job stopped (cancelled, failed).
   */
  advanceExpansion(tenant: string, id: string, step: { run: string; from: number; to: number; last: boolean }, now: Date): Promise<boolean>;
  /** Lets the hold go if `run` still holds it (before handing over to another run): the expansion's, or a cancellation's. */
  releaseExpansion(tenant: string, id: string, run: string): Promise<void>;
  /**
   * Takes a stopped job's cancellation for the run `run` until `until`, if the
   * job still has its cancellation cursor and nobody else holds it (or the
   * holder's time is up) — the expansion's hold, reused, so an expansion run
   * still in hand when the job stopped keeps it out. The job as claimed and
   * whether it was taken from a run that never let go, or undefined.
   */
  claimCancellation(tenant: string, id: string, run: string, until: Date, now: Date): Promise<{ readonly job: Job; readonly takenOver: boolean } | undefined>;
  /**
   * Moves the cancellation cursor from `from` to `to`, only while `run` holds it;
   * the last step removes the cursor and the hold, and the job leaves the active
   * jobs. False when the run lost its hold or another run moved the cursor.
   */
  advanceCancellation(tenant: string, id: string, step: { run: string; from: number; to: number; last: boolean }, now: Date): Promise<boolean>;
  /** Jobs still RUNNING or REDUCING, or stopped with a cancellation under way, of every tenant (for the sweep), oldest first. */
  listActive(limit: number): Promise<readonly Job[]>;
  /** A page of the tenant's jobs, newest first (GET /jobs). */
  listByTenant(tenant: string, limit: number, cursor?: string): Promise<Page<Job>>;
}

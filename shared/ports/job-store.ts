import type { ChildCounts, Job, JobStatus } from '../domain/job.js';
import type { Page } from './task-queries.js';

export interface JobPatch {
  readonly status: JobStatus;
  readonly reduceTaskId?: string;
  readonly error?: string;
  readonly finishedAt?: string;
}

/** Jobs and their sharded child counters; every key is per tenant. */
export interface JobStore {
  create(job: Job): Promise<void>;
  get(tenant: string, id: string): Promise<Job | undefined>;
  /** The children finished so far, summed over the shards (a consistent read). */
  counts(tenant: string, id: string): Promise<ChildCounts>;
  /** Moves the job on if its status is one of `from`; false when someone else moved it first. */
  transition(tenant: string, id: string, from: readonly JobStatus[], patch: JobPatch, now: Date): Promise<boolean>;
  markChildrenEnqueued(tenant: string, id: string): Promise<void>;
  /** Jobs still RUNNING or REDUCING, of every tenant (for the reconciler), oldest first. */
  listActive(limit: number): Promise<readonly Job[]>;
  /** A page of the tenant's jobs, newest first (GET /jobs). */
  listByTenant(tenant: string, limit: number, cursor?: string): Promise<Page<Job>>;
}

import type { JobStore } from '../ports/job-store.js';

/** Jobs remembered at most: a worker sees children of a few jobs at a time. */
const MAX_ENTRIES = 1_000;

/**
 * Whether a job has stopped (CANCELLED or FAILED), read through a cache so a
 * worker does not read the job for every child it claims. A stopped job never
 * runs again, so that answer is kept; a running one is read again after
 * `ttlMs`. The cost: a child claimed within `ttlMs` of its job's cancellation
 * may still start — the cancellation then cancels it ACTIVE, and the worker's
 * completion is refused (its attempt guard), so it is counted once, cancelled.
 */
export class CachedJobStatus {
  private readonly cache = new Map<string, { stopped: boolean; until: number }>();

  constructor(
    private readonly jobs: Pick<JobStore, 'get'>,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  readonly stopped = async (tenant: string, jobId: string): Promise<boolean> => {
    const key = `${tenant}#${jobId}`;
    const hit = this.cache.get(key);
    if (hit !== undefined && hit.until > this.clock()) return hit.stopped;
    const status = (await this.jobs.get(tenant, jobId))?.status;
    const stopped = status === 'CANCELLED' || status === 'FAILED';
    if (hit === undefined && this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, { stopped, until: stopped ? Infinity : this.clock() + this.ttlMs });
    return stopped;
  };
}

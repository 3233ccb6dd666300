import { z } from 'zod';
import { jobProgress, type Job } from '../domain/job.js';
import { toFieldErrors } from '../domain/task-input.js';
import { ValidationError } from '../errors.js';
import type { JobStore } from '../ports/job-store.js';
import type { Page } from '../ports/task-queries.js';

/** What a row of `GET /jobs` shows: the job, its child counts and progress. */
export type JobSummary = Pick<Job, 'id' | 'status' | 'total' | 'mapType' | 'reduceType' | 'thenType' | 'pool' | 'priority' | 'createdAt' | 'finishedAt' | 'error'> & {
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly progress: number;
};

export const listJobsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(2048).optional(),
});

/**
 * GET /jobs?limit=&cursor=: a page of the tenant's jobs, newest first, each
 * with its children's counts (one counter query per job, so pages stay small).
 * Throws ValidationError naming each bad query parameter.
 */
export async function listJobs(deps: { jobs: JobStore }, tenant: string, raw: Record<string, string | undefined>): Promise<Page<JobSummary>> {
  const parsed = listJobsQuery.safeParse(raw);
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error));
  const page = await deps.jobs.listByTenant(tenant, parsed.data.limit, parsed.data.cursor);
  const items = await Promise.all(
    page.items.map(async (job: Job): Promise<JobSummary> => {
      const counts = await deps.jobs.counts(tenant, job.id);
      const { id, status, total, mapType, reduceType, thenType, pool, priority, createdAt, finishedAt, error } = job;
      return {
        ...{ id, status, total, mapType, reduceType, thenType, pool, priority, createdAt, finishedAt, error },
        ...counts,
        progress: Math.round(jobProgress(total, counts) * 1000) / 1000,
      };
    }),
  );
  return page.nextCursor === undefined ? { items } : { items, nextCursor: page.nextCursor };
}

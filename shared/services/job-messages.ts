import type { Job } from '../domain/job.js';
import { expansionTaskId } from '../domain/job-expansion.js';
import type { JobDeps } from './deps.js';

/**
 * Asks another run to carry on with a job's background work — its expansion
 * while it runs, its cancellation once it stopped (`runJobMessage` tells them
 * apart): one message, id `<job>~expand`, on the first Lambda pool's critical
 * queue (its worker runs it). False when it could not be sent, or the topology
 * has no Lambda pool; the sweep tries again.
 */
export async function continueExpansion(deps: JobDeps, job: Pick<Job, 'id' | 'tenant'>): Promise<boolean> {
  const pool = expansionPool(deps);
  if (pool === undefined) return false;
  const { failed } = await deps.queue.enqueue([{ id: expansionTaskId(job.id), tenant: job.tenant, pool, priority: 'critical', delaySeconds: 0 }]);
  if (failed.length > 0) deps.warn('could not send a job expansion message; the sweep will resend it', { jobId: job.id, tenant: job.tenant });
  return failed.length === 0;
}

/**
 * Lets go of a job's background work this run held and asks another run to carry on
 * (the time left is too short for the next step): the expansion's and the
 * cancellation's way out before their Lambda times out.
 */
export async function handOver(deps: JobDeps, job: Pick<Job, 'id' | 'tenant'>, run: string): Promise<'handed-over'> {
  await deps.jobs.releaseExpansion(job.tenant, job.id, run);
  await continueExpansion(deps, job);
  return 'handed-over';
}

/** Where expansion messages go: the first Lambda pool (undefined when every pool runs on agents). */
export function expansionPool(deps: Pick<JobDeps, 'pools'>): string | undefined {
  return deps.pools.find((pool) => pool.runsOn === 'lambda')?.name;
}

import middy from '@middy/core';
import { reconcileJobs } from '../shared/services/fan-in.js';
import { sweepDue } from '../shared/services/sweep.js';
import { jobDeps, logger, sweepDeps } from '../shared/wiring.js';

/** Scheduled: acts on due timers (delays, deadlines, lapsed agent leases, next stages) and finishes what crashes left of jobs. */
export const handler = middy().handler(async () => {
  const timers = await sweepDue(sweepDeps());
  if (Object.values(timers).some((n) => n > 0)) logger.info('timers swept', { ...timers });
  const jobs = await reconcileJobs(jobDeps());
  return { timers, jobs };
});

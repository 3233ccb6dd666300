import middy from '@middy/core';
import { reconcileJobs } from '../shared/services/fan-in.js';
import { reconcileOutbox } from '../shared/services/reconcile-outbox.js';
import { awsServices, jobDeps, logger } from '../shared/wiring.js';

/** Scheduled: sends tasks whose enqueue never completed, and finishes what crashes left of jobs. */
export const handler = middy().handler(async () => {
  const outbox = await reconcileOutbox(awsServices());
  if (outbox.found > 0) logger.info('outbox reconciled', outbox);
  const jobs = await reconcileJobs(jobDeps());
  return { outbox, jobs };
});

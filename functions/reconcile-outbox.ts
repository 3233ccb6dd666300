import middy from '@middy/core';
import { reconcileOutbox } from '../shared/services/reconcile-outbox.js';
import { awsServices, logger } from '../shared/wiring.js';

/** Scheduled: sends tasks whose enqueue never completed. */
export const handler = middy().handler(async () => {
  const outcome = await reconcileOutbox(awsServices());
  if (outcome.found > 0) logger.info('outbox reconciled', outcome);
  return outcome;
});

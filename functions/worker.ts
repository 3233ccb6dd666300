import { HANDLERS } from '../handlers/index.js';
import { KeepMessage, loggingRecordFailures } from '../shared/composition.js';
import { expansionJobId } from '../shared/domain/job-expansion.js';
import { executeDelivery } from '../shared/services/execute-task.js';
import { runJobMessage } from '../shared/services/expand-job.js';
import { logger } from '../shared/logger.js';
import { queueFunction } from './queue-function.js';

/**
 * A pool's worker, fed by its four priority queues. Each record: parse, run the
 * task (or skip it: finished, cancelled, circuit open) or carry a job's
 * expansion or cancellation on by a few steps (a job message), then let the message be deleted or
 * keep it, visible again after the backoff. A record that throws is logged with
 * its task id, tenant and error, and stays on its queue.
 */
export const { makeHandler, handler } = queueFunction((services, context) => {
  const deps = { ...services.workerDeps(HANDLERS), remainingMs: () => context.getRemainingTimeInMillis() };
  return loggingRecordFailures(logger, async (message, record) => {
    // A job's expansion (or a stopped job's cancellation) rides on the pool's queue: its next steps.
    const jobId = expansionJobId(message.taskId);
    if (jobId !== undefined) return void (await runJobMessage(services.jobDeps, message.tenant, jobId, deps.remainingMs));
    const outcome = await executeDelivery(deps, message);
    if (outcome.action === 'retry') {
      await services.releaseMessage(record.eventSourceARN, record.receiptHandle, outcome.delaySeconds);
      throw new KeepMessage(outcome.reason);
    }
  });
});

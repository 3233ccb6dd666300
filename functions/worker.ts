import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { HANDLERS } from '../handlers/index.js';
import { releaseMessage } from '../shared/adapters/sqs/message-visibility.js';
import type { TaskMessage } from '../shared/ports/task-queue.js';
import { executeDelivery } from '../shared/services/execute-task.js';
import { awsSqsClient, logger, workerDeps } from '../shared/wiring.js';

/** Thrown for a record to stay on its queue: Powertools reports it in batchItemFailures. */
class KeepMessage extends Error {}

/**
 * A pool's worker, fed by its four priority queues. Each record: run the task
 * (or skip it: finished, cancelled, circuit open), then either let the message
 * be deleted or keep it, visible again after the backoff.
 */
export const handler = middy<SQSEvent, SQSBatchResponse>().handler(async (event, context) => {
  const deps = { ...workerDeps(HANDLERS), remainingMs: () => context.getRemainingTimeInMillis() };
  const onRecord = async (record: SQSRecord): Promise<void> => {
    const { taskId, tenant, sentAt } = JSON.parse(record.body) as TaskMessage;
    const outcome = await executeDelivery(deps, { taskId, tenant, ...(sentAt !== undefined ? { sentAt } : {}) });
    logger.debug('delivery handled', { taskId, ...outcome });
    if (outcome.action === 'retry') {
      await releaseMessage(awsSqsClient(), record.eventSourceARN, record.receiptHandle, outcome.delaySeconds);
      throw new KeepMessage(outcome.reason);
    }
  };
  // A processor per invocation: the local runtime runs invocations concurrently in one process.
  return processPartialResponse(event, onRecord, new BatchProcessor(EventType.SQS), { throwOnFullBatchFailure: false });
});

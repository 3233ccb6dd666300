import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DeliveryMessage } from '../shared/ports/events.js';
import { deliverWebhook } from '../shared/services/deliver-webhook.js';
import type { AppServices } from '../shared/composition.js';
import { logger } from '../shared/logger.js';
import { servicesFromEnvironment } from './environment-services.js';

/**
 * Webhook deliveries, fed by the delivery queue: each record is one attempt of one
 * event to one webhook, signed and POSTed; retries are re-queued with their backoff
 * (see deliverWebhook). A record that throws stays on the queue for SQS to redeliver.
 */
export const makeHandler = (services: () => AppServices) =>
  middy<SQSEvent, SQSBatchResponse>().use(injectLambdaContext(logger)).handler(async (event) => {
  const deps = services().webhookDeliveryDeps();
  const onRecord = async (record: SQSRecord): Promise<void> => {
    const message = JSON.parse(record.body) as DeliveryMessage;
    const result = await deliverWebhook(deps, message);
    const task = message.event.task;
    // Sampled debug for the common case; what an operator must see stays at info and warn.
    const log = result === 'dead_lettered' ? logger.warn.bind(logger) : result === 'retrying' ? logger.info.bind(logger) : logger.debug.bind(logger);
    log('webhook delivery', {
      result,
      webhookId: message.webhookId,
      tenant: message.tenant,
      eventId: message.event.id,
      eventType: message.event.type,
      deliveryAttempt: message.attempt,
      ...(task !== undefined ? { taskId: task.id, pool: task.pool, attempt: task.attempts } : {}),
    });
  };
  return processPartialResponse(event, onRecord, new BatchProcessor(EventType.SQS), { throwOnFullBatchFailure: false });
});

export const handler = makeHandler(servicesFromEnvironment());

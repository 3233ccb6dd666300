import type { SQSRecord } from 'aws-lambda';
import type { DeliveryMessage } from '../shared/ports/events.js';
import { deliverWebhook } from '../shared/services/deliver-webhook.js';
import { logger } from '../shared/logger.js';
import { queueFunction } from './queue-function.js';

/**
 * Webhook deliveries, fed by the delivery queue: each record is one attempt of one
 * event to one webhook, signed and POSTed; retries are re-queued with their backoff
 * (see deliverWebhook). A record that throws stays on the queue for SQS to redeliver.
 */
export const { makeHandler, handler } = queueFunction((services) => {
  const deps = services.webhookDeliveryDeps();
  return async (record: SQSRecord): Promise<void> => {
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
});

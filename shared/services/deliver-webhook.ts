import { SIGNATURE_HEADER, signWebhook } from '../domain/webhook-signature.js';
import { nextDeliveryDelay, type DeliveryRetryPolicy, type DeliveryStatus, type Webhook } from '../domain/webhook.js';
import { deliveryIdOf, deliveryRecordExpiry, keepsDeliveryRecord } from '../domain/webhook-delivery.js';
import type { DeliveryRecords } from '../ports/delivery-records.js';
import type { DeliveryMessage, DeliveryQueue, SendDelivery } from '../ports/events.js';
import type { WebhookStore } from '../ports/webhook-store.js';

export interface DeliveryDeps {
  readonly webhooks: WebhookStore;
  readonly queue: DeliveryQueue;
  /** Failed deliveries, for GET /webhooks/{id}/deliveries and a redelivery. */
  readonly deliveryRecords: DeliveryRecords;
  readonly send: SendDelivery;
  readonly retry: DeliveryRetryPolicy;
  readonly now: () => Date;
  readonly random: () => number;
  /** The last outcome written per webhook (`tenant/id`), kept by the delivery function's instance: see record(). */
  readonly lastWritten: Map<string, { status: string; at: number }>;
}

export type DeliveryResult = 'delivered' | 'retrying' | 'dead_lettered' | 'dropped';

/**
 * One attempt of one delivery. The message is consumed whatever happens: a retry is
 * a NEW message with the next attempt number and its backoff as DelaySeconds (so
 * each retry has its own, growing delay, which SQS's visibility-based redelivery
 * cannot give); after the last attempt the delivery goes to the DLQ. A throw (the
 * table or SQS unreachable) keeps the message, and SQS redelivers it.
 */
export async function deliverWebhook(deps: DeliveryDeps, message: DeliveryMessage): Promise<DeliveryResult> {
  const webhook = await deps.webhooks.get(message.tenant, message.webhookId);
  // Deleted since the event was queued: nobody wants it any more.
  if (webhook === undefined) return 'dropped';
  const body = JSON.stringify(message.event);
  const now = deps.now();
  const outcome = await deps.send(webhook.url, body, {
    [SIGNATURE_HEADER]: signWebhook(body, webhook.secret, Math.floor(now.getTime() / 1000)),
    'taskfleet-event-id': message.event.id,
    'taskfleet-event-type': message.event.type,
    'taskfleet-delivery-attempt': String(message.attempt),
  });
  const status = (s: DeliveryStatus['status']): DeliveryStatus => ({
    status: s,
    eventId: message.event.id,
    eventType: message.event.type,
    attempts: message.attempt,
    at: now.toISOString(),
    ...(outcome.status !== undefined ? { responseStatus: outcome.status } : {}),
    ...(!outcome.ok ? { error: outcome.error.slice(0, 500) } : {}),
  });
  if (outcome.ok) {
    await record(deps, webhook, message, status('delivered'));
    return 'delivered';
  }
  const delay = outcome.permanent === true ? undefined : nextDeliveryDelay(message.attempt, message.firstAttemptAt, now, deps.retry, deps.random());
  if (delay === undefined) {
    await deps.queue.deadLetter(message, outcome.error);
    await record(deps, webhook, message, status(outcome.permanent === true ? 'refused' : 'dead_lettered'));
    return 'dead_lettered';
  }
  const rejected = await deps.queue.send([{ ...message, attempt: message.attempt + 1 }], delay);
  if (rejected.length > 0) throw new Error(`could not queue attempt ${message.attempt + 1} of ${message.event.id} to ${webhook.id}`);
  await record(deps, webhook, message, status('retrying'));
  return 'retrying';
}

/** The delivery's own record, when it has one to keep (see keepsDeliveryRecord). */
async function recordAttempt(deps: DeliveryDeps, webhook: Webhook, message: DeliveryMessage, status: DeliveryStatus): Promise<void> {
  if (!keepsDeliveryRecord(status.status === 'delivered', message.attempt, message.deliveryId !== undefined)) return;
  const attempt = { ...status, id: deliveryIdOf(message), firstAttemptAt: message.firstAttemptAt, event: message.event };
  await deps.deliveryRecords.record(webhook.tenant, webhook.id, attempt, deliveryRecordExpiry(new Date(status.at)));
}

/**
 * The last delivery's outcome, on the webhook. Successes in a row are written at
 * most every few seconds per container (a busy webhook would otherwise cost a write
 * per event); any change of outcome is written at once.
 */
const QUIET_MS = 10_000;

async function record(deps: DeliveryDeps, webhook: Webhook, message: DeliveryMessage, status: DeliveryStatus): Promise<void> {
  await recordAttempt(deps, webhook, message, status);
  const key = `${webhook.tenant}/${webhook.id}`;
  const previous = deps.lastWritten.get(key);
  const at = Date.parse(status.at);
  if (status.status === 'delivered' && previous?.status === 'delivered' && at - previous.at < QUIET_MS) return;
  await deps.webhooks.recordDelivery(webhook.tenant, webhook.id, status);
  deps.lastWritten.set(key, { status: status.status, at });
}

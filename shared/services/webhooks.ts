import { randomBytes } from 'node:crypto';
import { checkWebhookUrl, type AddressPolicy } from '../domain/webhook-address.js';
import { toFieldErrors } from '../domain/task-input.js';
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '../errors.js';
import { MAX_WEBHOOKS_PER_TENANT, parseWebhookInput, toWebhookView, type Webhook, type WebhookView } from '../domain/webhook.js';
import { REDELIVERABLE, deliveryRecordExpiry, deliveryListQuery, toDeliveryView, type DeliveryView } from '../domain/webhook-delivery.js';
import type { DeliveryRecords } from '../ports/delivery-records.js';
import type { DeliveryQueue } from '../ports/events.js';
import type { WebhookStore } from '../ports/webhook-store.js';

export interface WebhookDeps {
  readonly webhooks: WebhookStore;
  readonly deliveryRecords: DeliveryRecords;
  /** The delivery queue a redelivery is sent to; built on first use (only the redeliver route needs it). */
  readonly deliveryQueue: () => DeliveryQueue;
  readonly policy: AddressPolicy;
  readonly newId: () => string;
  readonly now: () => Date;
}

/**
 * POST /webhooks: checks the URL (a literal private address is refused now; a
 * host name is checked again at every delivery, after DNS), makes a secret when
 * none is given, and returns it this once.
 */
export async function createWebhook(deps: WebhookDeps, tenant: string, raw: unknown): Promise<WebhookView & { secret: string }> {
  const parsed = parseWebhookInput(raw);
  if (!parsed.ok) throw new ValidationError(parsed.fields);
  const urlProblem = checkWebhookUrl(parsed.value.url, deps.policy);
  if (urlProblem !== undefined) throw new ValidationError([{ field: 'url', message: urlProblem }]);
  if ((await deps.webhooks.list(tenant)).length >= MAX_WEBHOOKS_PER_TENANT) {
    throw new ConflictError('too_many_webhooks', `a tenant may have ${MAX_WEBHOOKS_PER_TENANT} webhooks; delete one first`);
  }
  const webhook: Webhook = {
    id: `wh_${deps.newId().replace(/-/g, '').slice(0, 20)}`,
    tenant,
    url: parsed.value.url,
    events: parsed.value.events,
    secret: parsed.value.secret ?? newSecret(),
    createdAt: deps.now().toISOString(),
  };
  await deps.webhooks.create(webhook);
  return { ...toWebhookView(webhook), secret: webhook.secret };
}

/** GET /webhooks: each endpoint with its last delivery's outcome and its dead-letter count. */
export async function listWebhooks(deps: WebhookDeps, tenant: string): Promise<{ items: WebhookView[] }> {
  return { items: (await deps.webhooks.list(tenant)).map(toWebhookView) };
}

/** DELETE /webhooks/{id}: deliveries already queued for it are dropped when they run. */
export async function deleteWebhook(deps: WebhookDeps, tenant: string, id: string): Promise<void> {
  if (!(await deps.webhooks.delete(tenant, id))) throw new NotFoundError('webhook', id);
}

const newSecret = (): string => `whsec_${randomBytes(24).toString('base64url')}`;

async function existingWebhook(deps: Pick<WebhookDeps, 'webhooks'>, tenant: string, id: string): Promise<Webhook> {
  const webhook = await deps.webhooks.get(tenant, id);
  if (webhook === undefined) throw new NotFoundError('webhook', id);
  return webhook;
}

/**
 * POST /webhooks/{id}/rotate-secret: a new signing secret, returned this once. Deliveries
 * signed from now on use it; a receiver checking the old one refuses them until updated
 * (and they retry, then dead-letter, and can be redelivered).
 */
export async function rotateWebhookSecret(deps: WebhookDeps, tenant: string, id: string): Promise<WebhookView & { secret: string }> {
  const secret = newSecret();
  const webhook = await deps.webhooks.rotateSecret(tenant, id, secret);
  if (webhook === undefined) throw new NotFoundError('webhook', id);
  return { ...toWebhookView(webhook), secret };
}

/** GET /webhooks/{id}/deliveries?limit=: its deliveries that failed at least once, newest first. */
export async function listDeliveries(deps: WebhookDeps, tenant: string, id: string, raw: Record<string, string | undefined>): Promise<{ items: DeliveryView[] }> {
  const parsed = deliveryListQuery.safeParse(raw);
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error));
  await existingWebhook(deps, tenant, id);
  return { items: (await deps.deliveryRecords.list(tenant, id, parsed.data.limit)).map(toDeliveryView) };
}

/**
 * POST /webhooks/{id}/deliveries/{deliveryId}/redeliver: sends a given-up delivery
 * again, as a fresh first attempt with the full retry budget; its record follows
 * (status `redelivering`, then the new outcome). 409 unless it was given up
 * (dead-lettered or refused): one still retrying is on its way, and a second click
 * sends nothing. The original letter stays in the delivery DLQ until it expires.
 */
export async function redeliver(deps: WebhookDeps, tenant: string, id: string, deliveryId: string): Promise<DeliveryView> {
  await existingWebhook(deps, tenant, id);
  const before = await deps.deliveryRecords.get(tenant, id, deliveryId);
  if (before === undefined) throw new NotFoundError('delivery', deliveryId);
  if (!REDELIVERABLE.includes(before.status)) {
    throw new ConflictError('delivery_not_given_up', `delivery ${deliveryId} is ${before.status}; only a dead-lettered or refused one can be redelivered`);
  }
  const now = deps.now().toISOString();
  const marked = await deps.deliveryRecords.markRedelivering(tenant, id, deliveryId, now);
  if (marked === undefined) throw new ConflictError('delivery_not_given_up', `delivery ${deliveryId} is being redelivered already`);
  const rejected = await deps.deliveryQueue().send([{ tenant, webhookId: id, event: before.event, attempt: 1, firstAttemptAt: now, deliveryId }]);
  if (rejected.length > 0) {
    // Given up again, as it was, so the next click can send it.
    const { redeliveries: _count, ...asItWas } = before;
    await deps.deliveryRecords.record(tenant, id, asItWas, deliveryRecordExpiry(deps.now()));
    throw new UnavailableError(`could not queue delivery ${deliveryId}; try again`);
  }
  return toDeliveryView(marked);
}

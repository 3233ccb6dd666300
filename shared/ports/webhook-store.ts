import type { DeliveryStatus, Webhook } from '../domain/webhook.js';

/** A tenant's webhooks. Every call names the tenant: no call can reach another tenant's. */
export interface WebhookStore {
  /** false when the tenant already has MAX_WEBHOOKS_PER_TENANT (checked by the caller) or the id is taken. */
  create(webhook: Webhook): Promise<void>;
  list(tenant: string): Promise<readonly Webhook[]>;
  get(tenant: string, id: string): Promise<Webhook | undefined>;
  /** false when there was none. */
  delete(tenant: string, id: string): Promise<boolean>;
  /** Replaces the signing secret; the webhook as it is now, or undefined when there is none. */
  rotateSecret(tenant: string, id: string, secret: string): Promise<Webhook | undefined>;
  /** Records the last delivery's outcome; a dead letter also counts one more. No-op on a deleted webhook. */
  recordDelivery(tenant: string, id: string, status: DeliveryStatus): Promise<void>;
}

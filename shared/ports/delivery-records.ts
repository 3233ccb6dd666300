import type { DeliveryRecord } from '../domain/webhook-delivery.js';

/** A webhook's failed deliveries (shared/domain/webhook-delivery.ts). Every call names the tenant. */
export interface DeliveryRecords {
  /**
   * Writes the delivery's record as of its latest attempt, gone after `expiresAt`.
   * Its first attempt's time, its event and its redelivery count are kept from the
   * record before, if there is one (a redelivery's attempt updates the same record).
   */
  record(tenant: string, webhookId: string, attempt: Omit<DeliveryRecord, 'redeliveries'>, expiresAt: Date): Promise<void>;
  /** Newest first. */
  list(tenant: string, webhookId: string, limit: number): Promise<readonly DeliveryRecord[]>;
  get(tenant: string, webhookId: string, deliveryId: string): Promise<DeliveryRecord | undefined>;
  /**
   * Marks a given-up delivery as sent again (status `redelivering`, one more
   * redelivery) if it still is given up; undefined otherwise (gone, or another
   * redelivery won), so a double click sends it once.
   */
  markRedelivering(tenant: string, webhookId: string, deliveryId: string, at: string): Promise<DeliveryRecord | undefined>;
}

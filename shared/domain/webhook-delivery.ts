import { z } from 'zod';
import type { TaskfleetEvent } from './events.js';
import { DELIVERY_STATUS, type DeliveryStatus } from './webhook.js';

/**
 * A webhook's deliveries that did not go through at the first attempt, kept so an
 * operator can see why and send one again. A delivery delivered at once keeps no
 * record (a busy webhook would otherwise cost a write per event); one that failed
 * keeps one record, rewritten at each later attempt, until its TTL.
 */
export const DELIVERY_RECORD_STATUS = { ...DELIVERY_STATUS, REDELIVERING: 'redelivering' } as const;
export type DeliveryRecordStatus = (typeof DELIVERY_RECORD_STATUS)[keyof typeof DELIVERY_RECORD_STATUS];

/** What the API shows of one delivery. */
export interface DeliveryView extends Omit<DeliveryStatus, 'status'> {
  /** Stable across the delivery's attempts and redeliveries: its first attempt's time and the event id. */
  readonly id: string;
  readonly status: DeliveryRecordStatus;
  readonly firstAttemptAt: string;
  /** How many times an operator sent it again. */
  readonly redeliveries?: number;
}

/** A delivery as stored: its view and the event, so it can be sent again. */
export interface DeliveryRecord extends DeliveryView {
  readonly event: TaskfleetEvent;
}

/** Only a delivery that was given up on may be sent again; one still retrying is on its way already. */
export const REDELIVERABLE: readonly DeliveryRecordStatus[] = [DELIVERY_STATUS.DEAD_LETTERED, DELIVERY_STATUS.REFUSED];

/** Records are kept as long as the delivery DLQ keeps its letters. */
export const DELIVERY_RECORD_TTL_SECONDS = 14 * 24 * 3600;

/** When a delivery record written at `at` expires (its TTL). */
export function deliveryRecordExpiry(at: Date): Date {
  return new Date(at.getTime() + DELIVERY_RECORD_TTL_SECONDS * 1000);
}

/** How many deliveries GET /webhooks/{id}/deliveries answers at most. */
export const DELIVERY_LIST_MAX = 100;

export const deliveryListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(DELIVERY_LIST_MAX).default(20),
});

/**
 * A delivery's id: its first attempt's epoch ms (zero-padded, so ids sort by time)
 * and the event's id. A redelivery carries the id of the delivery it repeats.
 */
export function deliveryIdOf(message: { readonly deliveryId?: string; readonly firstAttemptAt: string; readonly event: Pick<TaskfleetEvent, 'id'> }): string {
  return message.deliveryId ?? `${String(Date.parse(message.firstAttemptAt)).padStart(13, '0')}_${message.event.id}`;
}

/**
 * Does this attempt write the delivery's record? Every failed attempt does; a
 * success only ends a delivery that has one (a later attempt, or a redelivery).
 */
export function keepsDeliveryRecord(ok: boolean, attempt: number, redelivery: boolean): boolean {
  return !ok || attempt > 1 || redelivery;
}

export function toDeliveryView(record: DeliveryRecord): DeliveryView {
  const { event: _event, ...view } = record;
  return view;
}

import type { TaskfleetEvent } from '../domain/events.js';

/** One delivery of one event to one webhook, as it rides on the delivery queue. */
export interface DeliveryMessage {
  readonly tenant: string;
  readonly webhookId: string;
  readonly event: TaskfleetEvent;
  /** 1 on the first try. */
  readonly attempt: number;
  readonly firstAttemptAt: string;
  /** Set on an operator's redelivery: the id of the delivery it repeats (its record is updated, not a new one made). */
  readonly deliveryId?: string;
}

/** Where events go for anyone to subscribe (SNS on AWS, fauxqs locally). */
export interface EventPublisher {
  /** Publishes all; returns the indexes of the events that were not accepted. */
  publish(events: readonly TaskfleetEvent[]): Promise<readonly number[]>;
}

/** The webhook delivery queue and its DLQ. */
export interface DeliveryQueue {
  /** Returns the indexes of the messages that were not accepted. */
  send(messages: readonly DeliveryMessage[], delaySeconds?: number): Promise<readonly number[]>;
  deadLetter(message: DeliveryMessage, reason: string): Promise<void>;
}

/** What one POST of a delivery to a webhook's receiver came to. */
export type SendOutcome =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly status?: number; readonly error: string; /** true: retrying cannot help (refused address) */ readonly permanent?: boolean };

/** POSTs one delivery to a receiver (node:http behind the SSRF guard in the stack). */
export type SendDelivery = (url: string, body: string, headers: Readonly<Record<string, string>>) => Promise<SendOutcome>;

/** A cursor in a tenant's recent events; opaque to clients. */
export type EventCursor = string;

/** A tenant's recent events, kept for a day, for `taskfleet events --follow`. */
export interface EventLog {
  append(tenant: string, events: readonly TaskfleetEvent[], now: Date): Promise<void>;
  /** Events after `after` (or the last minute's), oldest first, up to `limit`; `next` to ask again with. */
  read(tenant: string, after: EventCursor | undefined, limit: number, now: Date): Promise<{ events: TaskfleetEvent[]; next: EventCursor }>;
}

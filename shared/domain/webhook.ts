import { z } from 'zod';
import { EVENT_TYPES } from './events.js';
import { toFieldErrors, type ParseResult } from './task-input.js';

/**
 * A tenant's webhook: where its events are POSTed, which ones, and the secret they
 * are signed with. The secret is shown once, when the webhook is made.
 */
export interface Webhook {
  readonly id: string;
  readonly tenant: string;
  readonly url: string;
  /** Event types, `task.*`, `job.*` or `*`. */
  readonly events: readonly string[];
  readonly secret: string;
  readonly createdAt: string;
  readonly lastDelivery?: DeliveryStatus;
  /** Deliveries that exhausted their retries, ever. */
  readonly deadLettered?: number;
}

export const DELIVERY_STATUS = { DELIVERED: 'delivered', RETRYING: 'retrying', DEAD_LETTERED: 'dead_lettered', REFUSED: 'refused' } as const;

export interface DeliveryStatus {
  readonly status: (typeof DELIVERY_STATUS)[keyof typeof DELIVERY_STATUS];
  readonly eventId: string;
  readonly eventType: string;
  readonly attempts: number;
  readonly at: string;
  /** The receiver's HTTP status, when it answered. */
  readonly responseStatus?: number;
  readonly error?: string;
}

/** Webhooks per tenant: each event is matched against all of them. */
export const MAX_WEBHOOKS_PER_TENANT = 20;

export interface WebhookInput {
  readonly url: string;
  readonly events: readonly string[];
  readonly secret?: string;
}

const pattern = z.union([z.enum(EVENT_TYPES), z.literal('task.*'), z.literal('job.*'), z.literal('*')], {
  error: `must be one of ${EVENT_TYPES.join(', ')}, task.*, job.* or *`,
});

export const webhookInputSchema = z.strictObject({
  url: z.string().min(1).max(2048),
  events: z.array(pattern).min(1).max(EVENT_TYPES.length + 3),
  secret: z.string().min(16).max(256).optional(),
});

export function parseWebhookInput(raw: unknown): ParseResult<WebhookInput> {
  const parsed = webhookInputSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, fields: toFieldErrors(parsed.error) };
  const { url, events, secret } = parsed.data;
  return { ok: true, value: { url, events: [...new Set(events)], ...(secret !== undefined ? { secret } : {}) } };
}

/** What GET /webhooks shows: everything but the secret. */
export type WebhookView = Omit<Webhook, 'tenant' | 'secret'>;

export function toWebhookView(webhook: Webhook): WebhookView {
  const { tenant: _tenant, secret: _secret, ...view } = webhook;
  return view;
}

/**
 * When the next delivery attempt runs: exponential backoff with full jitter,
 * giving up once the first attempt is `maxAgeSeconds` old or `maxAttempts` ran.
 * `undefined`: dead-letter it. Pure: `random` and the times are passed in.
 */
export function nextDeliveryDelay(
  attempt: number,
  firstAttemptAt: string,
  now: Date,
  policy: DeliveryRetryPolicy,
  random: number,
): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  const ceiling = Math.min(policy.capSeconds, policy.baseSeconds * 2 ** Math.max(0, attempt - 1));
  const delay = Math.floor(random * (ceiling + 1));
  const age = (now.getTime() - Date.parse(firstAttemptAt)) / 1000;
  return age + delay > policy.maxAgeSeconds ? undefined : delay;
}

export interface DeliveryRetryPolicy {
  readonly baseSeconds: number;
  /** ≤ 900: the delay rides on the SQS message (DelaySeconds). */
  readonly capSeconds: number;
  readonly maxAgeSeconds: number;
  readonly maxAttempts: number;
}

/** 30 s doubling to 15 min, for 24 h: about 100 attempts over a day, like Stripe's 3 days. */
export const DEFAULT_DELIVERY_RETRY: DeliveryRetryPolicy = { baseSeconds: 30, capSeconds: 900, maxAgeSeconds: 24 * 3600, maxAttempts: 200 };

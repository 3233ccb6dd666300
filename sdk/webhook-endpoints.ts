import { send, type HttpOptions } from './http.js';
import { seg } from './poll.js';

/**
 * What `client.webhooks.create` takes.
 *
 * @example
 * ```ts
 * await client.webhooks.create({ url: 'https://example.com/hooks/taskfleet', events: ['task.*'] });
 * ```
 */
export interface CreateWebhook {
  /** Where events are POSTed (https; a private address is refused). */
  readonly url: string;
  /** Event types, or `task.*`, `job.*`, `*`. */
  readonly events: readonly string[];
  /** The signing secret. @default a random `whsec_…`, answered once */
  readonly secret?: string;
}

/**
 * A webhook as the API shows it: no secret, its last delivery's outcome.
 *
 * @example
 * ```ts
 * for (const hook of await client.webhooks.list()) console.log(hook.url, hook.lastDelivery?.status);
 * ```
 */
export interface WebhookView {
  /** `wh_…` */
  readonly id: string;
  /** Where events are POSTed. */
  readonly url: string;
  /** The event patterns it receives. */
  readonly events: readonly string[];
  /** ISO time. */
  readonly createdAt: string;
  /** The outcome of the last delivery, once there was one. */
  readonly lastDelivery?: {
    readonly status: 'delivered' | 'retrying' | 'dead_lettered' | 'refused';
    readonly eventId: string;
    readonly eventType: string;
    readonly attempts: number;
    readonly at: string;
    readonly responseStatus?: number;
    readonly error?: string;
  };
  /** Deliveries given up on. */
  readonly deadLettered?: number;
}

/**
 * A delivery of one event to a webhook that failed at least once (one delivered at
 * its first attempt keeps no record).
 *
 * @example
 * ```ts
 * const failed = (await client.webhooks.deliveries(id)).filter((d) => d.status === 'dead_lettered');
 * ```
 */
export interface WebhookDelivery {
  /** Stable across its attempts and redeliveries; what `redeliver` takes. */
  readonly id: string;
  readonly status: 'delivered' | 'retrying' | 'dead_lettered' | 'refused' | 'redelivering';
  readonly eventId: string;
  readonly eventType: string;
  /** Attempts of its latest run (a redelivery starts again at 1). */
  readonly attempts: number;
  /** ISO time of the latest attempt. */
  readonly at: string;
  readonly firstAttemptAt: string;
  /** The receiver's HTTP status at the latest attempt, when it answered. */
  readonly responseStatus?: number;
  readonly error?: string;
  /** How many times it was sent again by `redeliver`. */
  readonly redeliveries?: number;
}

/**
 * `client.webhooks`: the tenant's webhook endpoints. Check deliveries with `verifyWebhook`.
 *
 * @example
 * ```ts
 * const { id, secret } = await client.webhooks.create({ url, events: ['job.completed'] });
 * ```
 */
export class WebhooksApi {
  /** @internal */
  constructor(private readonly http: HttpOptions) {}

  /**
   * Creates a webhook; the answer carries its secret, shown this once. Not retried.
   *
   * @example
   * ```ts
   * const { secret } = await client.webhooks.create({ url, events: ['*'] });
   * ```
   */
  async create(webhook: CreateWebhook): Promise<WebhookView & { secret: string }> {
    return (await send<WebhookView & { secret: string }>(this.http, { method: 'POST', path: '/webhooks', body: webhook, idempotent: false })).body;
  }

  /**
   * Every webhook of the tenant.
   *
   * @example
   * ```ts
   * const hooks = await client.webhooks.list();
   * ```
   */
  async list(): Promise<WebhookView[]> {
    return (await send<{ items: WebhookView[] }>(this.http, { method: 'GET', path: '/webhooks', idempotent: true })).body.items;
  }

  /**
   * Deletes a webhook; no further deliveries.
   *
   * @example
   * ```ts
   * await client.webhooks.remove('wh_123');
   * ```
   */
  async remove(id: string): Promise<void> {
    await send(this.http, { method: 'DELETE', path: `/webhooks/${seg(id)}`, idempotent: false });
  }

  /**
   * Its deliveries that failed at least once, newest first (at most `limit`, default 20, up to 100).
   *
   * @example
   * ```ts
   * for (const d of await client.webhooks.deliveries('wh_123')) console.log(d.status, d.eventType, d.error);
   * ```
   */
  async deliveries(id: string, options: { readonly limit?: number } = {}): Promise<WebhookDelivery[]> {
    const query = options.limit !== undefined ? `?limit=${options.limit}` : '';
    return (await send<{ items: WebhookDelivery[] }>(this.http, { method: 'GET', path: `/webhooks/${seg(id)}/deliveries${query}`, idempotent: true })).body.items;
  }

  /**
   * Sends a dead-lettered or refused delivery again, with a fresh retry budget; a
   * `ConflictError` for one that is not given up (delivered, retrying, or being redelivered).
   *
   * @example
   * ```ts
   * await client.webhooks.redeliver('wh_123', delivery.id);
   * ```
   */
  async redeliver(id: string, deliveryId: string): Promise<WebhookDelivery> {
    return (await send<WebhookDelivery>(this.http, { method: 'POST', path: `/webhooks/${seg(id)}/deliveries/${seg(deliveryId)}/redeliver`, idempotent: false })).body;
  }

  /**
   * Replaces its signing secret; the answer carries the new one, shown this once.
   * Deliveries from now on are signed with it. Not retried.
   *
   * @example
   * ```ts
   * const { secret } = await client.webhooks.rotateSecret('wh_123');
   * ```
   */
  async rotateSecret(id: string): Promise<WebhookView & { secret: string }> {
    return (await send<WebhookView & { secret: string }>(this.http, { method: 'POST', path: `/webhooks/${seg(id)}/rotate-secret`, idempotent: false })).body;
  }
}

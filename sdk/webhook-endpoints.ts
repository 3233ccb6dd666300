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
}

import { send, type HttpOptions } from './http.js';
import { queryString, seg } from './poll.js';
import type { ConcurrencyKeyView, DeadLetterView, Priority, RateLimitView } from './types.js';

/**
 * `client.dlq`: the tenant's dead letters (tasks that failed for good), and their replay.
 *
 * @example
 * ```ts
 * const letters = await client.dlq.list({ pool: 'default' });
 * await client.dlq.redrive({ taskIds: letters.map((l) => l.taskId) });
 * ```
 */
export class DeadLettersApi {
  /** @internal */
  constructor(private readonly http: HttpOptions) {}

  /**
   * The tenant's dead letters (left in place).
   *
   * @example
   * ```ts
   * const letters = await client.dlq.list({ priority: 'high', limit: 10 });
   * ```
   */
  async list(query: { readonly pool?: string; readonly priority?: Priority; readonly limit?: number } = {}): Promise<DeadLetterView[]> {
    return (await send<{ letters: DeadLetterView[] }>(this.http, { method: 'GET', path: `/dlq${queryString({ ...query })}`, idempotent: true })).body.letters;
  }

  /**
   * Replays dead letters: FAILED tasks get fresh attempts and go back on their
   * queue. Without `taskIds`, every letter of the pool and priority (up to `max`).
   *
   * @example
   * ```ts
   * const { redriven } = await client.dlq.redrive({ pool: 'default', max: 100 });
   * ```
   */
  async redrive(request: { readonly pool?: string; readonly priority?: Priority; readonly taskIds?: readonly string[]; readonly max?: number } = {}): Promise<{ redriven: string[]; dropped: string[] }> {
    return (await send<{ redriven: string[]; dropped: string[] }>(this.http, { method: 'POST', path: '/dlq/redrive', body: request, idempotent: false })).body;
  }
}

/**
 * `client.limits`: the tenant's rate limits per task type.
 *
 * @example
 * ```ts
 * await client.limits.set('send-email', 100, '1m');
 * ```
 */
export class RateLimitsApi {
  /** @internal */
  constructor(private readonly http: HttpOptions) {}

  /**
   * At most `limit` tasks of `type` start per `per` (`'1s'`, `'10m'`, `'1h'`); the rest wait, never fail.
   *
   * @example
   * ```ts
   * await client.limits.set('resize', 10, '1s');
   * ```
   */
  async set(type: string, limit: number, per: string): Promise<RateLimitView> {
    return (await send<RateLimitView>(this.http, { method: 'PUT', path: `/rate-limits/${seg(type)}`, body: { limit, per }, idempotent: true })).body;
  }

  /**
   * Every rate limit of the tenant, with its use now.
   *
   * @example
   * ```ts
   * for (const limit of await client.limits.list()) console.log(limit.type, limit.used, '/', limit.limit);
   * ```
   */
  async list(): Promise<RateLimitView[]> {
    return (await send<{ items: RateLimitView[] }>(this.http, { method: 'GET', path: '/rate-limits', idempotent: true })).body.items;
  }

  /**
   * Every concurrency key of the tenant, with the slots held now and its latest limit.
   *
   * @example
   * ```ts
   * for (const k of await client.limits.concurrencyKeys()) console.log(k.key, k.used, '/', k.limit);
   * ```
   */
  async concurrencyKeys(): Promise<ConcurrencyKeyView[]> {
    return (await send<{ concurrencyKeys: ConcurrencyKeyView[] }>(this.http, { method: 'GET', path: '/rate-limits', idempotent: true })).body.concurrencyKeys;
  }

  /**
   * Removes the limit of `type`: its waiting tasks start as capacity allows.
   *
   * @example
   * ```ts
   * await client.limits.remove('resize');
   * ```
   */
  async remove(type: string): Promise<void> {
    await send(this.http, { method: 'DELETE', path: `/rate-limits/${seg(type)}`, idempotent: false });
  }
}

import type { RateLimit, TakeDecision } from '../domain/rate-limit.js';

/** A tenant's limit on one task type, and its bucket's state. */
export interface StoredRateLimit {
  readonly type: string;
  readonly rate: RateLimit;
  /** The bucket's theoretical arrival time (epoch ms); none while unused. */
  readonly tat?: number;
}

/** Rate limits per tenant × task type, with their token buckets (one item each). */
export interface RateLimitStore {
  /** Sets (or changes) a limit; the bucket's state is kept. */
  put(tenant: string, type: string, rate: RateLimit): Promise<void>;
  /** false when there was none. */
  remove(tenant: string, type: string): Promise<boolean>;
  list(tenant: string): Promise<readonly StoredRateLimit[]>;
  /**
   * Takes one token at `now` (atomically). Without one: with `reserveWithinMs`,
   * the next token when it is due within that (reserved: nobody else gets it);
   * otherwise when the next one is due. As `takeToken` in domain/rate-limit.ts.
   */
  take(tenant: string, type: string, rate: RateLimit, now: number, reserveWithinMs?: number): Promise<TakeDecision>;
}

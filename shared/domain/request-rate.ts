import type { RateLimit } from './rate-limit.js';

/**
 * A tenant's API request limit, carried by its token: `rate` requests per second
 * on average, `burst` at once from a full bucket. Kept as the same GCRA token
 * bucket as task-type limits (rate-limit.ts): `burst` tokens refilling one every
 * 1/rate s is a limit of `burst` per `burst / rate` seconds. Pure.
 */
export interface RequestRate {
  readonly rate: number;
  readonly burst: number;
}

/** The largest rate or burst a token may carry: above it one partition's writes (~1,000/s) are the limit anyway. */
export const MAX_REQUEST_RATE = 1_000;

/** The bucket for `takeToken`: `burst` per `burst / rate` seconds. */
export function requestBucket(limit: RequestRate): RateLimit {
  return { limit: limit.burst, perMs: (limit.burst * 1000) / limit.rate };
}

/** What is wrong with a rate and burst, by field; empty when they are usable. */
export function requestRateProblems(limit: { rate?: number; burst?: number }): { field: 'rate' | 'burst'; message: string }[] {
  const problems: { field: 'rate' | 'burst'; message: string }[] = [];
  const check = (field: 'rate' | 'burst', value: number | undefined, integer: boolean): void => {
    if (value === undefined) return;
    if (!Number.isFinite(value) || value <= 0 || value > MAX_REQUEST_RATE || (integer && !Number.isInteger(value))) {
      problems.push({ field, message: `must be ${integer ? 'a whole number' : 'a number'} above 0 and at most ${MAX_REQUEST_RATE}` });
    }
  };
  check('rate', limit.rate, false);
  check('burst', limit.burst, true);
  if (limit.burst !== undefined && limit.rate === undefined) problems.push({ field: 'rate', message: 'is required with burst' });
  return problems;
}

/** A burst when none is given: two seconds' worth, at least one. */
export function defaultBurst(rate: number): number {
  return Math.max(1, Math.ceil(2 * rate));
}

/** Retry-After for a refused request: whole seconds until `retryAt` (epoch ms), at least 1. */
export function retryAfterSeconds(retryAt: number, nowMs: number): number {
  return Math.max(1, Math.ceil((retryAt - nowMs) / 1000));
}

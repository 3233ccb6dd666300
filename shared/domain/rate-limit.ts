/**
 * Rate limits: at most `limit` task starts per `per` of one tenant's task type.
 * A token bucket, kept as GCRA (the generic cell rate algorithm): one number per
 * bucket, the theoretical arrival time `tat` (epoch ms) of the next start. A bucket
 * of `limit` tokens refilling one every `per / limit` allows a start at `now`
 * when `tat - burst ≤ now`; the start moves `tat` to `max(tat, now) + interval`.
 * One number means one conditional write per start (see the DynamoDB adapter),
 * and the next token's time is known exactly: `tat - burst`. Pure.
 */

export interface RateLimit {
  /** Starts allowed per `perMs`; also the burst a full bucket allows. */
  readonly limit: number;
  readonly perMs: number;
}

/** Milliseconds between two tokens. */
export const intervalMs = (rate: RateLimit): number => rate.perMs / rate.limit;

/** How far `tat` may run ahead of now: a full bucket's worth of tokens minus the one being taken. */
export const burstMs = (rate: RateLimit): number => (rate.limit - 1) * intervalMs(rate);

export type TakeDecision = { readonly ok: true; readonly tat: number } | { readonly ok: false; readonly retryAt: number };

/** Take one token at `now` from a bucket whose arrival time is `tat` (undefined: never used, full). */
export function takeToken(tat: number | undefined, rate: RateLimit, now: number): TakeDecision {
  const current = Math.max(tat ?? now, now);
  if (current - burstMs(rate) > now) return { ok: false, retryAt: nextTokenAt(current, rate) };
  return { ok: true, tat: current + intervalMs(rate) };
}

/** When the next token will be there. */
export function nextTokenAt(tat: number, rate: RateLimit): number {
  return tat - burstMs(rate);
}

/** Tokens used of the bucket at `now`: 0 (full) … limit (empty), for /stats. */
export function tokensUsed(tat: number | undefined, rate: RateLimit, now: number): number {
  if (tat === undefined || tat <= now) return 0;
  return Math.min(rate.limit, Math.ceil((tat - now) / intervalMs(rate)));
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** The longest interval a limit may name. */
export const MAX_PER_MS = UNITS.d as number;

/** `"1s"`, `"500ms"`, `"10m"`, `"1h"`, `"1d"` → ms; undefined when it is not one. */
export function parseInterval(text: string): number | undefined {
  const match = /^(\d{1,6})(ms|s|m|h|d)$/.exec(text);
  if (match === null) return undefined;
  const ms = Number(match[1]) * (UNITS[match[2] as string] as number);
  return ms > 0 && ms <= MAX_PER_MS ? ms : undefined;
}

/** An interval as `per` shows it: the largest unit that divides it. */
export function formatInterval(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) if (ms % (UNITS[unit] as number) === 0) return `${ms / (UNITS[unit] as number)}${unit}`;
  return `${ms}ms`;
}

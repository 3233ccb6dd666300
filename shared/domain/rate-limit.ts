import { MAX_QUEUE_DELAY_SECONDS } from './limits.js';

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

/** SQS delays a message at most 900 s: the furthest ahead a waiter can be told to come back, so the furthest a token is reserved. */
export const MAX_RESERVE_MS = MAX_QUEUE_DELAY_SECONDS * 1000;
/**
 * How early a held token may be used: SQS delays have 1 s granularity and clocks
 * of two workers differ a little. A token used up to this early only moves that
 * start earlier, never adds one.
 */
export const HELD_TOKEN_SLACK_MS = 1_000;

export type TakeDecision =
  /** A token now; the bucket's new arrival time. */
  | { readonly ok: true; readonly tat: number }
  /** The bucket is empty, but its next token (good from `at`) is the caller's: `tat` moved past it as a take would. */
  | { readonly ok: false; readonly reserved: true; readonly at: number; readonly tat: number }
  /** Nothing now, nor within the horizon: the next token is due at `retryAt`. */
  | { readonly ok: false; readonly reserved: false; readonly retryAt: number };

/**
 * Take one token at `now` from a bucket whose arrival time is `tat` (undefined:
 * never used, full). With `reserveWithinMs` > 0, an empty bucket whose next token
 * is due within that horizon reserves it: `tat` advances by one interval exactly
 * as for a take, so the token is the caller's and nobody else's, and the caller
 * starts at `at` without asking again (a waiter costs one write, not one per try).
 * Counting reserved tokens at their `at`, no window sees more than
 * `limit + elapsed·rate` of them (property-tested).
 */
export function takeToken(tat: number | undefined, rate: RateLimit, now: number, reserveWithinMs = 0): TakeDecision {
  const current = Math.max(tat ?? now, now);
  const next = nextTokenAt(current, rate);
  if (next <= now) return { ok: true, tat: current + intervalMs(rate) };
  if (next - now <= Math.min(reserveWithinMs, MAX_RESERVE_MS)) return { ok: false, reserved: true, at: next, tat: current + intervalMs(rate) };
  return { ok: false, reserved: false, retryAt: next };
}

/** A token reserved for one start of a task, carried by the task's message until it is used. */
export interface HeldToken {
  /** Epoch ms the token is good from. */
  readonly at: number;
  /** The attempt the start becomes: a token is for one start, not for the retries after it. */
  readonly attempt: number;
  /** The limit it was reserved under: a changed limit voids it. */
  readonly limit: number;
  readonly perMs: number;
}

/**
 * What a start may do with the token it holds: `use` it instead of taking one,
 * `wait` until it is good (the message came early), or take one as if it held
 * none (`void`: no limit now, another limit, another attempt, or `at` further
 * from now than the horizon either way: a forged or stale marker). A held token
 * is honoured only within the horizon, so it can never let more through than a
 * horizon's worth of the current limit, which the bucket already counted.
 */
export function heldTokenUse(held: HeldToken, rate: RateLimit | undefined, attempt: number, now: number, horizonMs = MAX_RESERVE_MS): 'use' | 'wait' | 'void' {
  if (rate === undefined || held.limit !== rate.limit || held.perMs !== rate.perMs || held.attempt !== attempt) return 'void';
  if (Math.abs(held.at - now) > Math.min(horizonMs, MAX_RESERVE_MS)) return 'void';
  return now >= held.at - HELD_TOKEN_SLACK_MS ? 'use' : 'wait';
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

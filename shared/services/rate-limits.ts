import { z } from 'zod';
import { formatInterval, nextTokenAt, parseInterval, tokensUsed } from '../domain/rate-limit.js';
import { toFieldErrors } from '../domain/task-input.js';
import { typeName } from '../domain/validation.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { ConcurrencySlots } from '../ports/concurrency-slots.js';
import type { RateLimitStore, StoredRateLimit } from '../ports/rate-limits.js';
import type { StartGate } from './start-gate.js';

export interface RateLimitDeps {
  readonly rates: RateLimitStore;
  readonly slots: ConcurrencySlots;
  readonly gate: StartGate;
  readonly now: () => Date;
}

/** What `GET /rate-limits` and `/stats` show of one limit. */
export interface RateLimitView {
  readonly type: string;
  readonly limit: number;
  /** The interval as given: `1s`, `10m`, `1h`. */
  readonly per: string;
  /** Tokens of the bucket in use now: 0 (idle) … limit (tasks of this type wait). */
  readonly used: number;
  /** ISO: when the next start may happen, while the bucket is empty. */
  readonly nextAt?: string;
}

/** The most starts a limit may allow per interval, and the most limits a tenant keeps. */
const MAX_LIMIT = 100_000;
const MAX_LIMITS = 100;

export const rateLimitBody = z.strictObject({
  limit: z.int().min(1).max(MAX_LIMIT),
  per: z.string().max(16).refine((text) => parseInterval(text) !== undefined, 'must be a duration like 500ms, 1s, 10m, 1h or 1d (at most 1d)'),
});

/** PUT /rate-limits/{type} {limit, per}: at most `limit` tasks of `type` start per `per`; the rest wait (never fail). */
export async function putRateLimit(deps: Omit<RateLimitDeps, 'slots'>, tenant: string, type: string, raw: unknown): Promise<RateLimitView> {
  const parsedType = typeName.safeParse(type);
  const parsed = rateLimitBody.safeParse(raw ?? {});
  const fields = [...(parsedType.success ? [] : toFieldErrors(parsedType.error, 'type')), ...(parsed.success ? [] : toFieldErrors(parsed.error))];
  if (!parsed.success || fields.length > 0) throw new ValidationError(fields);
  const existing = await deps.rates.list(tenant);
  if (existing.length >= MAX_LIMITS && !existing.some((l) => l.type === type)) {
    throw new ValidationError([{ field: 'type', message: `a tenant has at most ${MAX_LIMITS} rate limits` }]);
  }
  const rate = { limit: parsed.data.limit, perMs: parseInterval(parsed.data.per) as number };
  await deps.rates.put(tenant, type, rate);
  deps.gate.forget(tenant);
  const old = existing.find((l) => l.type === type);
  return toView({ type, rate, ...(old?.tat !== undefined ? { tat: old.tat } : {}) }, deps.now());
}

/** GET /rate-limits: the tenant's limits and what each uses now. */
export async function listRateLimits(deps: Pick<RateLimitDeps, 'rates' | 'now'>, tenant: string): Promise<RateLimitView[]> {
  const now = deps.now();
  return (await deps.rates.list(tenant)).map((l) => toView(l, now)).sort((a, b) => a.type.localeCompare(b.type));
}

/** What `GET /rate-limits` shows of one concurrency key. */
export interface ConcurrencyKeyView {
  readonly key: string;
  /** Slots held now (a holder left over from a crash counts until the next acquirer clears it). */
  readonly used: number;
  /** The limit its latest task asked for (each task carries its own `concurrencyLimit`). */
  readonly limit?: number;
  /** The tasks holding it, oldest first. */
  readonly holders: readonly { readonly taskId: string; readonly since: string }[];
}

/** How many concurrency keys `GET /rate-limits` lists. */
export const CONCURRENCY_KEYS_LISTED = 200;

/** GET /rate-limits' `concurrencyKeys`: each key the tenant has used, its slots used now and its limit. */
export async function listConcurrencyKeys(deps: Pick<RateLimitDeps, 'slots'>, tenant: string): Promise<ConcurrencyKeyView[]> {
  return (await deps.slots.list(tenant, CONCURRENCY_KEYS_LISTED)).map((k) => ({
    key: k.key,
    used: k.holders.length,
    ...(k.limit !== undefined ? { limit: k.limit } : {}),
    holders: [...k.holders].sort((a, b) => a.at - b.at).map((h) => ({ taskId: h.taskId, since: new Date(h.at).toISOString() })),
  }));
}

/** DELETE /rate-limits/{type}: tasks of the type start freely again (within the cache time of each process). */
export async function deleteRateLimit(deps: Omit<RateLimitDeps, 'slots'>, tenant: string, type: string): Promise<void> {
  if (!(await deps.rates.remove(tenant, type))) throw new NotFoundError('rate limit', type);
  deps.gate.forget(tenant);
}

function toView(stored: StoredRateLimit, now: Date): RateLimitView {
  const used = tokensUsed(stored.tat, stored.rate, now.getTime());
  const next = stored.tat === undefined ? undefined : nextTokenAt(stored.tat, stored.rate);
  return {
    type: stored.type,
    limit: stored.rate.limit,
    per: formatInterval(stored.rate.perMs),
    used,
    ...(used >= stored.rate.limit && next !== undefined && next > now.getTime() ? { nextAt: new Date(next).toISOString() } : {}),
  };
}

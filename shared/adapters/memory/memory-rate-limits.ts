import { takeToken, type RateLimit, type TakeDecision } from '../../domain/rate-limit.js';
import type { RateLimitStore, StoredRateLimit } from '../../ports/rate-limits.js';

/** The same contract as the DynamoDB adapter, in a Map. */
export class MemoryRateLimits implements RateLimitStore {
  private readonly limits = new Map<string, StoredRateLimit & { tenant: string }>();

  async put(tenant: string, type: string, rate: RateLimit): Promise<void> {
    const old = this.limits.get(`${tenant}#${type}`);
    this.limits.set(`${tenant}#${type}`, { tenant, type, rate, ...(old?.tat !== undefined ? { tat: old.tat } : {}) });
  }

  async remove(tenant: string, type: string): Promise<boolean> {
    return this.limits.delete(`${tenant}#${type}`);
  }

  async list(tenant: string): Promise<readonly StoredRateLimit[]> {
    return [...this.limits.values()].filter((l) => l.tenant === tenant).map(({ tenant: _t, ...l }) => l);
  }

  async take(tenant: string, type: string, rate: RateLimit, now: number, reserveWithinMs?: number): Promise<TakeDecision> {
    const stored = this.limits.get(`${tenant}#${type}`);
    // As on DynamoDB: a limit deleted meanwhile limits nothing (and is not brought back).
    if (stored === undefined) return { ok: true, tat: now };
    const decision = takeToken(stored.tat, rate, now, reserveWithinMs);
    if (decision.ok || decision.reserved) this.limits.set(`${tenant}#${type}`, { ...stored, tat: decision.tat });
    return decision;
  }
}

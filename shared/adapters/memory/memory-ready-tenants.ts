import type { ReadyTenant, ReadyTenants } from '../../ports/backlog.js';

const LIFETIME_MS = 2 * 24 * 3600_000;

/** The ReadyTenants port in a Map, for unit tests: every mark is written (no rewrite skipping). */
export class MemoryReadyTenants implements ReadyTenants {
  readonly marks = new Map<string, Map<string, ReadyTenant>>();
  writes = 0;

  async mark(entries: readonly { readonly tenant: string; readonly pool: string }[], at: Date): Promise<void> {
    for (const { tenant, pool } of entries) {
      const pool_ = this.marks.get(pool) ?? new Map<string, ReadyTenant>();
      pool_.set(tenant, { tenant, seenAt: at.toISOString(), expiresAt: new Date(at.getTime() + LIFETIME_MS).toISOString() });
      this.marks.set(pool, pool_);
      this.writes++;
    }
  }

  async list(pool: string, now: Date): Promise<readonly ReadyTenant[]> {
    return [...(this.marks.get(pool)?.values() ?? [])].filter((m) => Date.parse(m.expiresAt) > now.getTime());
  }
}

import type { Priority } from '../domain/priority.js';

/** A tenant that has had waiting work in an agent pool's ready set. */
export interface ReadyTenant {
  readonly tenant: string;
  /** When it was last seen with work, or kept because it still had some. */
  readonly seenAt: string;
  /** When the mark lapses (the table's TTL); the sweep pushes it on while work waits. */
  readonly expiresAt: string;
}

/**
 * Which tenants have work waiting in each agent pool. Ready sets are per tenant ×
 * pool, so the sweep needs this list to measure a pool's backlog without a scan:
 * the stream consumer marks a tenant when one of its tasks enters PENDING, the
 * sweep keeps the mark while work waits, and an idle mark lapses.
 */
export interface ReadyTenants {
  /** Marks each tenant × pool (idempotent; an adapter may skip marks it wrote moments ago). */
  mark(entries: readonly { readonly tenant: string; readonly pool: string }[], at: Date): Promise<void>;
  /** The marks of one pool that have not lapsed at `now`. */
  list(pool: string, now: Date): Promise<readonly ReadyTenant[]>;
}

/** The oldest waiting task's age per priority of one agent pool (0 when none waits). */
export interface PoolBacklog {
  readonly pool: string;
  readonly oldestSeconds: Readonly<Record<Priority, number>>;
  /** Tenants read, and waiting tasks seen among the heads of their ready sets. */
  readonly tenants: number;
  readonly seen: number;
}

/** Where the sweep's backlog figures go (EMF on Lambda: no API call). */
export interface BacklogMetrics {
  record(backlogs: readonly PoolBacklog[]): void;
}

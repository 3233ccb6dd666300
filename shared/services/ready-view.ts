import type { AgentProfile } from '../domain/scheduling/index.js';
import type { ReadyTask } from '../ports/task-queries.js';

/**
 * A short-lived, shared view of each tenant × pool ready set (and of each
 * tenant's fleet) in this process:
 * concurrent lease calls share one read of the shards (single flight), and a
 * view is reused for `ttlMs`. Staleness is harmless: a claim is a conditional
 * write, so a task someone else took is a lost race and the next candidate is
 * tried. A new ready task in this process drops the view (`invalidate`), so the
 * long polls it wakes share one fresh read instead of each reading every shard;
 * a poll whose wait timed out finds the view older than `ttlMs` and reads too.
 */
export class ReadyView {
  private readonly views = new Map<string, Shared<readonly ReadyTask[]>>();
  private readonly fleets = new Map<string, Shared<readonly AgentProfile[]>>();

  constructor(
    private readonly ttlMs = 150,
    private readonly clock: () => number = Date.now,
    /** How long a tenant's fleet (its online agents and their free capacity) is reused. */
    private readonly fleetTtlMs = 1_000,
  ) {}

  /** A tenant's online fleet, shared by the lease calls of this process for `fleetTtlMs` (single flight too). */
  fleet(tenant: string, load: () => Promise<readonly AgentProfile[]>): Promise<readonly AgentProfile[]> {
    return this.shared(this.fleets, tenant, this.fleetTtlMs, load);
  }

  read(tenant: string, pool: string, load: () => Promise<readonly ReadyTask[]>): Promise<readonly ReadyTask[]> {
    return this.shared(this.views, `${tenant}#${pool}`, this.ttlMs, load);
  }

  /** A task became ready in this process: the next reader reads afresh. */
  invalidate(tenant: string, pool: string): void {
    this.views.delete(`${tenant}#${pool}`);
  }

  /** A task claimed (or lost to someone else): later readers of the view skip it. */
  taken(tenant: string, pool: string, id: string): void {
    const key = `${tenant}#${pool}`;
    const cached = this.views.get(key);
    if (cached !== undefined) this.views.set(key, { at: cached.at, value: cached.value.then((tasks) => tasks.filter((t) => t.id !== id)) });
  }

  /** One load per key at a time, reused for `ttlMs`; a failed load is forgotten so the next caller tries again. */
  private shared<T>(cache: Map<string, Shared<T>>, key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const cached = cache.get(key);
    if (cached !== undefined && this.clock() - cached.at < ttlMs) return cached.value;
    const value = load();
    cache.set(key, { at: this.clock(), value });
    value.catch(() => cache.delete(key));
    return value;
  }
}

interface Shared<T> {
  readonly at: number;
  readonly value: Promise<T>;
}

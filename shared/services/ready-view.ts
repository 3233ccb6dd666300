import type { AgentProfile } from '../domain/scheduling/index.js';
import type { ReadyTask } from '../ports/task-queries.js';
import { SharedLoads } from '../shared-loads.js';

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
  private readonly views: SharedLoads<readonly ReadyTask[]>;
  private readonly fleets: SharedLoads<readonly AgentProfile[]>;

  constructor(
    ttlMs = 150,
    clock: () => number = Date.now,
    /** How long a tenant's fleet (its online agents and their free capacity) is reused. */
    fleetTtlMs = 1_000,
  ) {
    this.views = new SharedLoads(ttlMs, clock);
    this.fleets = new SharedLoads(fleetTtlMs, clock);
  }

  /** A tenant's online fleet, shared by the lease calls of this process for `fleetTtlMs` (single flight too). */
  fleet(tenant: string, load: () => Promise<readonly AgentProfile[]>): Promise<readonly AgentProfile[]> {
    return this.fleets.get(tenant, load);
  }

  read(tenant: string, pool: string, load: () => Promise<readonly ReadyTask[]>): Promise<readonly ReadyTask[]> {
    return this.views.get(`${tenant}#${pool}`, load);
  }

  /** A task became ready in this process: the next reader reads afresh. */
  invalidate(tenant: string, pool: string): void {
    this.views.delete(`${tenant}#${pool}`);
  }

  /** A task claimed (or lost to someone else): later readers of the view skip it. */
  taken(tenant: string, pool: string, id: string): void {
    this.views.update(`${tenant}#${pool}`, (tasks) => tasks.filter((t) => t.id !== id));
  }
}

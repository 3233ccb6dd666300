import type { Agent } from '../domain/agent.js';
import type { AgentStore } from '../ports/agent-store.js';
import { SharedLoads } from '../shared-loads.js';

/** Tenants whose list is kept at once: a bound on memory, not a working-set guess. */
const MAX_TENANTS = 1_000;

/**
 * A tenant's agents as read within the last `ttlMs` in this process, for
 * admission's first look (placement.ts): every submission to an agent pool read
 * the whole list (a Query of every agent's record, so a fleet of 200 agents cost
 * a submission tens of read units, and a round trip before its write). A list
 * that is a few seconds old admits what the fresh one would: an agent counts for
 * a whole admission window after it was last seen. Only a refusal could be
 * wrong (an agent registered since), and admission reads afresh before it
 * refuses. Concurrent readers share one read; a failed read is not kept.
 */
export class RecentAgents implements Pick<AgentStore, 'list'> {
  private readonly lists: SharedLoads<readonly Agent[]>;

  constructor(
    private readonly store: Pick<AgentStore, 'list'>,
    ttlMs: number,
    clock: () => number = Date.now,
  ) {
    this.lists = new SharedLoads(ttlMs, clock, MAX_TENANTS);
  }

  list(tenant: string): Promise<readonly Agent[]> {
    return this.lists.get(tenant, () => this.store.list(tenant));
  }
}

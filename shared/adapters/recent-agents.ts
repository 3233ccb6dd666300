import type { Agent } from '../domain/agent.js';
import type { AgentStore } from '../ports/agent-store.js';

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
  private readonly cache = new Map<string, { at: number; agents: Promise<readonly Agent[]> }>();

  constructor(
    private readonly store: Pick<AgentStore, 'list'>,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  list(tenant: string): Promise<readonly Agent[]> {
    const hit = this.cache.get(tenant);
    if (hit !== undefined && this.clock() - hit.at < this.ttlMs) return hit.agents;
    if (hit === undefined && this.cache.size >= MAX_TENANTS) this.cache.delete(this.cache.keys().next().value as string);
    const agents = this.store.list(tenant);
    this.cache.set(tenant, { at: this.clock(), agents });
    agents.catch(() => this.cache.delete(tenant));
    return agents;
  }
}

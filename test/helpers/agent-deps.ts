import { MemoryCircuitStore } from '../../shared/adapters/memory/memory-circuit-store.js';
import type { AgentDeps } from '../../shared/services/agents.js';
import type { SweepDeps } from '../../shared/services/sweep.js';
import type { TestServices } from './memory-services.js';

/**
 * What the lease service and the sweep need, over one set of memory services:
 * predictable agent ids and lease tokens (`agent-1`, `token-2`, …), no jitter,
 * warnings dropped.
 */
export function memoryAgentDeps(services: TestServices): AgentDeps & SweepDeps {
  let n = 0;
  return {
    lifecycle: services.lifecycle,
    records: services.records,
    circuits: new MemoryCircuitStore(),
    pools: services.pools,
    now: services.now,
    random: () => 0,
    agents: services.agents,
    queries: services.queries,
    signal: services.signal,
    newId: () => `agent-${++n}`,
    newToken: () => `token-${++n}`,
    warn: () => undefined,
  };
}

import { buildTopology, type Topology } from '../../shared/topology/topology.js';

/**
 * `count` pools with the longest names a pool may have (31 characters), every
 * other one on Lambda (even indexes) and the rest on agents: the worst case for
 * queue names, ARNs and environment sizes, and a mix of both kinds of pool.
 */
export function longNamedPools(count: number, runsOn: (i: number) => 'lambda' | 'agents' = (i) => (i % 2 === 0 ? 'lambda' : 'agents')): Topology {
  return buildTopology(
    Array.from({ length: count }, (_, i) => ({
      name: `pool-${i}-${'x'.repeat(24)}`.slice(0, 31),
      capabilities: [`capability-${i}`],
      runsOn: runsOn(i),
    })),
  );
}

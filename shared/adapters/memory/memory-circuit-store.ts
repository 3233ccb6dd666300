import { circuitKeyInPool, CLOSED_CIRCUIT, type CircuitScope, type CircuitState } from '../../domain/circuit-breaker.js';
import type { CircuitStore, VersionedCircuit } from '../../ports/circuit-store.js';

export class MemoryCircuitStore implements CircuitStore {
  /** pool → key in pool → circuit */
  private readonly pools = new Map<string, Map<string, VersionedCircuit>>();

  async get(scope: CircuitScope): Promise<VersionedCircuit> {
    return this.pools.get(scope.pool)?.get(circuitKeyInPool(scope)) ?? { state: CLOSED_CIRCUIT, version: 0 };
  }

  async compareAndSet(scope: CircuitScope, state: CircuitState, expectedVersion: number): Promise<boolean> {
    if ((await this.get(scope)).version !== expectedVersion) return false;
    const pool = this.pools.get(scope.pool) ?? new Map<string, VersionedCircuit>();
    pool.set(circuitKeyInPool(scope), { state, version: expectedVersion + 1 });
    this.pools.set(scope.pool, pool);
    return true;
  }

  async list(pool: string): Promise<readonly CircuitState[]> {
    return [...(this.pools.get(pool)?.values() ?? [])].map((c) => c.state);
  }
}

import { CLOSED_CIRCUIT, type CircuitState } from '../../domain/circuit-breaker.js';
import type { CircuitStore, VersionedCircuit } from '../../ports/circuit-store.js';

export class MemoryCircuitStore implements CircuitStore {
  private readonly circuits = new Map<string, VersionedCircuit>();

  async get(pool: string): Promise<VersionedCircuit> {
    return this.circuits.get(pool) ?? { state: CLOSED_CIRCUIT, version: 0 };
  }

  async compareAndSet(pool: string, state: CircuitState, expectedVersion: number): Promise<boolean> {
    if ((await this.get(pool)).version !== expectedVersion) return false;
    this.circuits.set(pool, { state, version: expectedVersion + 1 });
    return true;
  }
}

import type { CircuitScope, CircuitState } from '../domain/circuit-breaker.js';

export interface VersionedCircuit {
  readonly state: CircuitState;
  /** 0 when never stored. */
  readonly version: number;
}

/** Circuit breaker state per tenant × task type on a pool, shared by every worker of the pool. */
export interface CircuitStore {
  get(scope: CircuitScope): Promise<VersionedCircuit>;
  /** Stores `state` if the stored version is still `expectedVersion`; false when someone else wrote first. */
  compareAndSet(scope: CircuitScope, state: CircuitState, expectedVersion: number): Promise<boolean>;
  /** Every circuit of `pool` ever stored (one that never failed has none), for /stats. */
  list(pool: string): Promise<readonly CircuitState[]>;
}

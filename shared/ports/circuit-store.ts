import type { CircuitState } from '../domain/circuit-breaker.js';

export interface VersionedCircuit {
  readonly state: CircuitState;
  /** 0 when never stored. */
  readonly version: number;
}

/** Circuit breaker state per pool, shared by every worker of the pool. */
export interface CircuitStore {
  get(pool: string): Promise<VersionedCircuit>;
  /** Stores `state` if the stored version is still `expectedVersion`; false when someone else wrote first. */
  compareAndSet(pool: string, state: CircuitState, expectedVersion: number): Promise<boolean>;
}

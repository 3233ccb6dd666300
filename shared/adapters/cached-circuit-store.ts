import { circuitKeyInPool, type CircuitScope, type CircuitState } from '../domain/circuit-breaker.js';
import type { CircuitStore, VersionedCircuit } from '../ports/circuit-store.js';

/**
 * Remembers each circuit for `ttlMs`, so a busy worker does not read it
 * for every task. Safe because every write is still a compare-and-set on the
 * stored version: a stale read can only lose a race, never overwrite. The cost
 * is that another container's change is seen up to `ttlMs` late.
 */
export class CachedCircuitStore implements CircuitStore {
  private readonly cache = new Map<string, { value: VersionedCircuit; until: number }>();

  constructor(
    private readonly inner: CircuitStore,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  async get(scope: CircuitScope): Promise<VersionedCircuit> {
    const key = cacheKey(scope);
    const hit = this.cache.get(key);
    if (hit !== undefined && hit.until > this.clock()) return hit.value;
    const value = await this.inner.get(scope);
    this.cache.set(key, { value, until: this.clock() + this.ttlMs });
    return value;
  }

  async compareAndSet(scope: CircuitScope, state: CircuitState, expectedVersion: number): Promise<boolean> {
    const key = cacheKey(scope);
    const stored = await this.inner.compareAndSet(scope, state, expectedVersion);
    if (stored) this.cache.set(key, { value: { state, version: expectedVersion + 1 }, until: this.clock() + this.ttlMs });
    else this.cache.delete(key);
    return stored;
  }

  /** Not cached: /stats reads it rarely and wants it fresh. */
  list(pool: string): Promise<readonly CircuitState[]> {
    return this.inner.list(pool);
  }
}

const cacheKey = (scope: CircuitScope): string => JSON.stringify([scope.pool, circuitKeyInPool(scope)]);

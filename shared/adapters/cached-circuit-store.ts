import type { CircuitState } from '../domain/circuit-breaker.js';
import type { CircuitStore, VersionedCircuit } from '../ports/circuit-store.js';

/**
 * Remembers each pool's circuit for `ttlMs`, so a busy worker does not read it
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

  async get(pool: string): Promise<VersionedCircuit> {
    const hit = this.cache.get(pool);
    if (hit !== undefined && hit.until > this.clock()) return hit.value;
    const value = await this.inner.get(pool);
    this.cache.set(pool, { value, until: this.clock() + this.ttlMs });
    return value;
  }

  async compareAndSet(pool: string, state: CircuitState, expectedVersion: number): Promise<boolean> {
    const stored = await this.inner.compareAndSet(pool, state, expectedVersion);
    if (stored) this.cache.set(pool, { value: { state, version: expectedVersion + 1 }, until: this.clock() + this.ttlMs });
    else this.cache.delete(pool);
    return stored;
  }
}

import { beforeEach, describe, expect, it } from 'vitest';
import { CLOSED_CIRCUIT, type CircuitState } from '../../shared/domain/circuit-breaker.js';
import type { CircuitStore } from '../../shared/ports/circuit-store.js';

const open: CircuitState = { status: 'OPEN', consecutiveFailures: 5, since: '2026-03-01T10:00:00.000Z' };

/**
 * One suite for every CircuitStore adapter (memory, DynamoDB): one circuit per
 * tenant × task type on a pool, each written only by compare-and-set.
 */
export function circuitStoreContract(name: string, openStore: () => Promise<CircuitStore>): void {
  describe(`circuit store contract: ${name}`, () => {
    let store: CircuitStore;
    beforeEach(async () => {
      store = await openStore();
    });

    it('answers CLOSED at version 0 for a circuit never stored', async () => {
      expect(await store.get({ pool: 'general', tenant: 'acme', type: 'resize' })).toEqual({ state: CLOSED_CIRCUIT, version: 0 });
    });

    it("keeps each tenant's each type apart", async () => {
      const scope = { pool: 'general', tenant: 'acme', type: 'resize' };
      expect(await store.compareAndSet(scope, open, 0)).toBe(true);
      expect(await store.get(scope)).toEqual({ state: open, version: 1 });
      expect((await store.get({ ...scope, tenant: 'globex' })).version).toBe(0);
      expect((await store.get({ ...scope, type: 'echo' })).version).toBe(0);
      expect((await store.get({ ...scope, pool: 'other' })).version).toBe(0);
    });

    it('refuses a write from a stale version', async () => {
      const scope = { pool: 'general', tenant: 'acme', type: 'resize' };
      expect(await store.compareAndSet(scope, { status: 'CLOSED', consecutiveFailures: 1 }, 0)).toBe(true);
      expect(await store.compareAndSet(scope, open, 0)).toBe(false);
      expect(await store.compareAndSet(scope, open, 1)).toBe(true);
      expect(await store.compareAndSet(scope, CLOSED_CIRCUIT, 1)).toBe(false);
      expect(await store.get(scope)).toEqual({ state: open, version: 2 });
    });

    it("lists a pool's circuits, and only that pool's", async () => {
      expect(await store.list('general')).toEqual([]);
      await store.compareAndSet({ pool: 'general', tenant: 'acme', type: 'a' }, open, 0);
      await store.compareAndSet({ pool: 'general', tenant: 'globex', type: 'a' }, { status: 'CLOSED', consecutiveFailures: 2 }, 0);
      await store.compareAndSet({ pool: 'other', tenant: 'acme', type: 'a' }, open, 0);
      expect([...(await store.list('general'))].sort((x, y) => x.consecutiveFailures - y.consecutiveFailures)).toEqual([
        { status: 'CLOSED', consecutiveFailures: 2 },
        open,
      ]);
    });
  });
}

import { beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../shared/domain/agent.js';
import type { AgentStore } from '../../shared/ports/agent-store.js';

const at = (s: number): Date => new Date(Date.UTC(2026, 2, 1, 10, 0, s));

function agent(tenant: string, id: string): Agent {
  return {
    id,
    tenant,
    capabilities: ['shell'],
    capacity: { slots: 4, gpu: 2 },
    weight: 1,
    labels: {},
    registeredAt: at(0).toISOString(),
    lastSeenAt: at(0).toISOString(),
    leases: {},
    revision: 0,
  };
}

const lease = (taskId: string, checkAt = at(90).toISOString()) => ({ taskId, checkAt, resources: { gpu: 1 } });

/**
 * One suite for every AgentStore adapter (memory, DynamoDB): an agent's leases
 * are added only at the revision the caller read, dropped and rechecked one
 * entry at a time, and the sweep's list holds the agents that took one.
 */
export function agentStoreContract(name: string, openStore: () => Promise<AgentStore>): void {
  describe(`agent store contract: ${name}`, () => {
    let store: AgentStore;
    let tenant: string;
    let n = 0;
    beforeEach(async () => {
      store = await openStore();
      tenant = `t${++n}-${Math.random().toString(36).slice(2, 8)}`;
    });

    it('adds leases at the revision read and refuses a second writer that read the same one', async () => {
      await store.create(agent(tenant, 'a1'));
      const seen = (await store.get(tenant, 'a1'))!;
      expect(await store.reserve(seen, [lease('x'), lease('y')], [], at(5))).toBe(true);
      expect(await store.reserve(seen, [lease('z')], [], at(5))).toBe(false);
      const now = (await store.get(tenant, 'a1'))!;
      expect(now).toMatchObject({ revision: 1, lastSeenAt: at(5).toISOString() });
      expect(now.leases).toEqual({ x: lease('x'), y: lease('y') });
      // The ended go in the same write; one re-added in it stays.
      expect(await store.reserve(now, [lease('z'), lease('x')], ['x', 'y'], at(6))).toBe(true);
      expect(Object.keys((await store.get(tenant, 'a1'))!.leases).sort()).toEqual(['x', 'z']);
    });

    it('drops leases, records sight and a waiting call in one update; a missing agent or entry is fine', async () => {
      await store.create(agent(tenant, 'a1'));
      await store.reserve((await store.get(tenant, 'a1'))!, [lease('x'), lease('y')], [], at(1));
      await store.update(tenant, 'a1', { drop: ['x', 'never-held'], seenAt: at(7), waitingUntil: at(27) });
      expect(await store.get(tenant, 'a1')).toMatchObject({ leases: { y: lease('y') }, lastSeenAt: at(7).toISOString(), waitingUntil: at(27).toISOString() });
      await store.update(tenant, 'nobody', { drop: ['y'], seenAt: at(8) });
      await store.touch(tenant, 'a1', at(9));
      expect((await store.get(tenant, 'a1'))?.lastSeenAt).toBe(at(9).toISOString());
    });

    it('moves a held lease\'s check, and does not bring back one dropped meanwhile', async () => {
      await store.create(agent(tenant, 'a1'));
      await store.reserve((await store.get(tenant, 'a1'))!, [lease('x')], [], at(1));
      await store.recheck(tenant, 'a1', 'x', at(300).toISOString());
      expect((await store.get(tenant, 'a1'))?.leases.x).toEqual(lease('x', at(300).toISOString()));
      await store.update(tenant, 'a1', { drop: ['x'] });
      await store.recheck(tenant, 'a1', 'x', at(400).toISOString());
      expect((await store.get(tenant, 'a1'))?.leases).toEqual({});
    });

    it("lists every tenant's lease holders until the sweep finds them idle, never one still holding a lease", async () => {
      const other = `${tenant}-b`;
      await store.create(agent(tenant, 'a1'));
      await store.create(agent(other, 'a2'));
      await store.create(agent(tenant, 'idle'));
      await store.reserve((await store.get(tenant, 'a1'))!, [lease('x')], [], at(1));
      await store.reserve((await store.get(other, 'a2'))!, [lease('y')], [], at(1));
      const mine = async (): Promise<string[]> => (await store.leaseHolders()).filter((a) => a.tenant === tenant || a.tenant === other).map((a) => `${a.tenant}/${a.id}`).sort();
      expect(await mine()).toEqual([`${tenant}/a1`, `${other}/a2`].sort());
      await store.markIdle(tenant, 'a1');
      expect(await mine()).toHaveLength(2);
      await store.update(tenant, 'a1', { drop: ['x'] });
      await store.markIdle(tenant, 'a1');
      expect(await mine()).toEqual([`${other}/a2`]);
      expect((await store.list(tenant)).map((a) => a.id)).toEqual(['a1', 'idle']);
    });
  });
}

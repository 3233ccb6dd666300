import type { Agent } from '../../domain/agent.js';
import type { HeldLease } from '../../domain/leasing.js';
import type { AgentStore } from '../../ports/agent-store.js';

/** Agents in memory, for unit tests; the same contract as the DynamoDB store. */
export class MemoryAgentStore implements AgentStore {
  private readonly agents = new Map<string, Agent & { leasing?: number }>();

  async create(agent: Agent): Promise<void> {
    if (this.agents.has(key(agent.tenant, agent.id))) throw new Error(`agent ${agent.id} exists`);
    this.agents.set(key(agent.tenant, agent.id), agent);
  }

  async get(tenant: string, id: string): Promise<Agent | undefined> {
    const found = this.agents.get(key(tenant, id));
    if (found === undefined) return undefined;
    const { leasing: _leasing, ...agent } = found;
    return agent;
  }

  async list(tenant: string): Promise<readonly Agent[]> {
    return [...this.agents.values()].filter((a) => a.tenant === tenant).sort((a, b) => a.registeredAt.localeCompare(b.registeredAt));
  }

  async touch(tenant: string, id: string, now: Date): Promise<void> {
    this.patch(tenant, id, (a) => ({ ...a, lastSeenAt: now.toISOString() }));
  }

  async isLeasing(tenant: string, id: string): Promise<boolean> {
    return this.agents.get(key(tenant, id))?.leasing !== undefined;
  }

  async lock(tenant: string, id: string, now: Date, staleMs: number): Promise<boolean> {
    const agent = this.must(tenant, id);
    if (agent.leasing !== undefined && agent.leasing >= now.getTime() - staleMs) return false;
    this.agents.set(key(tenant, id), { ...agent, leasing: now.getTime(), lastSeenAt: now.toISOString() });
    return true;
  }

  async unlock(tenant: string, id: string, taken: readonly HeldLease[] = [], ended: readonly string[] = []): Promise<void> {
    this.patch(tenant, id, ({ leasing: _leasing, ...a }) => {
      const kept = Object.fromEntries(Object.entries(a.leases).filter(([taskId]) => !ended.includes(taskId)));
      return { ...a, leases: { ...kept, ...Object.fromEntries(taken.map((l) => [l.taskId, l])) } };
    });
  }

  async addLease(tenant: string, id: string, lease: HeldLease): Promise<void> {
    this.patch(tenant, id, (a) => ({ ...a, leases: { ...a.leases, [lease.taskId]: lease } }));
  }

  async removeLease(tenant: string, id: string, taskId: string): Promise<void> {
    this.patch(tenant, id, (a) => {
      const { [taskId]: _gone, ...leases } = a.leases;
      return { ...a, leases };
    });
  }

  private must(tenant: string, id: string): Agent & { leasing?: number } {
    const agent = this.agents.get(key(tenant, id));
    if (agent === undefined) throw new Error(`no agent ${id}`);
    return agent;
  }

  private patch(tenant: string, id: string, change: (agent: Agent & { leasing?: number }) => Agent & { leasing?: number }): void {
    this.agents.set(key(tenant, id), change(this.must(tenant, id)));
  }
}

const key = (tenant: string, id: string): string => `${tenant}#${id}`;

import type { Agent } from '../../domain/agent.js';
import type { HeldLease } from '../../domain/leasing.js';
import type { AgentChange, AgentStore } from '../../ports/agent-store.js';

type Stored = Agent & { holding?: true };

/** Agents in memory, for unit tests; the same contract as the DynamoDB store. */
export class MemoryAgentStore implements AgentStore {
  private readonly agents = new Map<string, Stored>();

  async create(agent: Agent): Promise<void> {
    if (this.agents.has(key(agent.tenant, agent.id))) throw new Error(`agent ${agent.id} exists`);
    this.agents.set(key(agent.tenant, agent.id), agent);
  }

  async get(tenant: string, id: string): Promise<Agent | undefined> {
    const found = this.agents.get(key(tenant, id));
    return found === undefined ? undefined : bare(found);
  }

  async list(tenant: string): Promise<readonly Agent[]> {
    return [...this.agents.values()].filter((a) => a.tenant === tenant).sort((a, b) => a.registeredAt.localeCompare(b.registeredAt)).map(bare);
  }

  async touch(tenant: string, id: string, now: Date): Promise<void> {
    this.patch(tenant, id, (a) => ({ ...a, lastSeenAt: now.toISOString() }));
  }

  async reserve(seen: Agent, add: readonly HeldLease[], ended: readonly string[], now: Date): Promise<boolean> {
    const current = this.agents.get(key(seen.tenant, seen.id));
    if (current === undefined || current.revision !== seen.revision) return false;
    const kept = Object.fromEntries(Object.entries(current.leases).filter(([taskId]) => !ended.includes(taskId)));
    const leases = { ...kept, ...Object.fromEntries(add.map((l) => [l.taskId, l])) };
    this.agents.set(key(seen.tenant, seen.id), { ...current, leases, revision: current.revision + 1, lastSeenAt: now.toISOString(), holding: true });
    return true;
  }

  async update(tenant: string, id: string, change: AgentChange): Promise<void> {
    const current = this.agents.get(key(tenant, id));
    if (current === undefined) return;
    const leases: Record<string, HeldLease> = { ...current.leases };
    for (const taskId of change.drop ?? []) delete leases[taskId];
    this.agents.set(key(tenant, id), {
      ...current,
      leases,
      ...(change.seenAt !== undefined ? { lastSeenAt: change.seenAt.toISOString() } : {}),
      ...(change.waitingUntil !== undefined ? { waitingUntil: change.waitingUntil.toISOString() } : {}),
    });
  }

  async recheck(tenant: string, id: string, taskId: string, checkAt: string): Promise<void> {
    const current = this.agents.get(key(tenant, id));
    const held = current?.leases[taskId];
    if (current === undefined || held === undefined) return;
    this.agents.set(key(tenant, id), { ...current, leases: { ...current.leases, [taskId]: { ...held, checkAt } } });
  }

  async leaseHolders(): Promise<readonly Agent[]> {
    return [...this.agents.values()].filter((a) => a.holding === true).map(bare);
  }

  async markIdle(tenant: string, id: string): Promise<void> {
    const current = this.agents.get(key(tenant, id));
    if (current === undefined || Object.keys(current.leases).length > 0) return;
    this.agents.set(key(tenant, id), bare(current));
  }

  private patch(tenant: string, id: string, change: (agent: Stored) => Stored): void {
    const agent = this.agents.get(key(tenant, id));
    if (agent === undefined) throw new Error(`no agent ${id}`);
    this.agents.set(key(tenant, id), change(agent));
  }
}

const key = (tenant: string, id: string): string => `${tenant}#${id}`;

function bare(stored: Stored): Agent {
  const { holding: _holding, ...agent } = stored;
  return agent;
}

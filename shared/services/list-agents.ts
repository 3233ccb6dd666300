import { isOnline, toAgentView, type Agent } from '../domain/agent.js';
import { freeCapacity } from '../domain/leasing.js';
import { NotFoundError } from '../errors.js';
import type { AgentStore } from '../ports/agent-store.js';

/** An agent as `GET /workers` shows it: its registration, what it runs now and how loaded it is. */
export type AgentDetail = ReturnType<typeof toAgentView> & {
  readonly heartbeatAgeSeconds: number;
  /** Tasks it holds a lease on. */
  readonly runningTasks: readonly { readonly taskId: string }[];
  /** Used / total of each capacity dimension, over its leases. */
  readonly load: { readonly slots: number; readonly cpu: number; readonly gpu: number; readonly memoryMb: number };
};

export function toAgentDetail(agent: Agent, now: Date): AgentDetail {
  const held = Object.values(agent.leases);
  const free = freeCapacity(agent.capacity, held);
  return {
    ...toAgentView(agent, now),
    heartbeatAgeSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(agent.lastSeenAt)) / 1000)),
    runningTasks: held.map((lease) => ({ taskId: lease.taskId })),
    load: {
      slots: agent.capacity.slots - free.slots,
      cpu: (agent.capacity.cpu ?? 0) - free.cpu,
      gpu: (agent.capacity.gpu ?? 0) - free.gpu,
      memoryMb: (agent.capacity.memoryMb ?? 0) - free.memoryMb,
    },
  };
}

type Deps = { agents: Pick<AgentStore, 'list' | 'get'>; now: () => Date };

/** GET /workers: the tenant's agents, online first, then by name. */
export async function listAgents(deps: Deps, tenant: string): Promise<{ items: AgentDetail[] }> {
  const now = deps.now();
  const agents = await deps.agents.list(tenant);
  const items = agents
    .map((agent) => toAgentDetail(agent, now))
    .sort((a, b) => Number(isOnline(b, now)) - Number(isOnline(a, now)) || (a.name ?? a.id).localeCompare(b.name ?? b.id));
  return { items };
}

/** GET /workers/{id}: one of the tenant's agents; another tenant's is "not found". */
export async function getAgent(deps: Deps, tenant: string, id: string): Promise<AgentDetail> {
  const agent = await deps.agents.get(tenant, id);
  if (agent === undefined) throw new NotFoundError('worker', id);
  return toAgentDetail(agent, deps.now());
}

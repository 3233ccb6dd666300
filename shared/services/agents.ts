import { z } from 'zod';
import { toAgentView, type Agent } from '../domain/agent.js';
import { canRun, fits, freeCapacity, leasablePools, leaseOrder, take, type FreeCapacity } from '../domain/leasing.js';
import { PRIORITIES } from '../domain/priority.js';
import { toFieldErrors } from '../domain/task-input.js';
import type { Json, Resources, Task } from '../domain/task.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { AgentQueue, ReceivedTask } from '../ports/agent-queue.js';
import type { AgentStore } from '../ports/agent-store.js';
import { queueKey, type Pool } from '../topology/topology.js';
import { claimDelivery, leaseGrace, SQS_MAX_VISIBILITY, type DeliveryDeps, type DeliveryOutcome } from './claim-delivery.js';

export interface AgentDeps extends DeliveryDeps {
  readonly agents: AgentStore;
  readonly agentQueue: AgentQueue;
  readonly newId: () => string;
  readonly newToken: () => string;
}

const registration = z.strictObject({
  name: z.string().min(1).max(128).optional(),
  capabilities: z.array(z.string().min(1).max(64)).min(1).max(50),
  capacity: z
    .strictObject({
      slots: z.int().min(1).max(1000),
      cpu: z.number().positive().max(1024).optional(),
      gpu: z.int().min(0).max(64).optional(),
      memoryMb: z.int().positive().max(4_194_304).optional(),
    })
    .default({ slots: 1 }),
  labels: z.record(z.string().max(64), z.string().max(256)).default({}),
});

/** POST /workers: a new agent, online from now. */
export async function registerAgent(deps: AgentDeps, tenant: string, raw: unknown): Promise<Agent> {
  const parsed = registration.safeParse(raw);
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error));
  const now = deps.now().toISOString();
  const agent: Agent = {
    id: deps.newId(),
    tenant,
    ...(parsed.data.name !== undefined ? { name: parsed.data.name } : {}),
    capabilities: [...new Set(parsed.data.capabilities)],
    capacity: parsed.data.capacity,
    labels: parsed.data.labels,
    registeredAt: now,
    lastSeenAt: now,
    leases: {},
  };
  await deps.agents.create(agent);
  return agent;
}

/** The tenant's agent; another tenant's is "not found". */
export async function ownAgent(deps: Pick<AgentDeps, 'agents'>, tenant: string, id: string): Promise<Agent> {
  const agent = await deps.agents.get(id);
  if (agent === undefined || agent.tenant !== tenant) throw new NotFoundError('worker', id);
  return agent;
}

/** POST /workers/{id}/heartbeat: the agent is alive. */
export async function agentHeartbeat(deps: AgentDeps, tenant: string, id: string): Promise<ReturnType<typeof toAgentView>> {
  const agent = await ownAgent(deps, tenant, id);
  const now = deps.now();
  await deps.agents.touch(id, now);
  return toAgentView({ ...agent, lastSeenAt: now.toISOString() }, now);
}

const leaseRequest = z.strictObject({
  max: z.int().min(1).max(100).default(1),
  waitSeconds: z.int().min(0).max(20).default(0),
});

/** What an agent gets for each leased task. */
export interface LeasedTask {
  readonly id: string;
  readonly type: string;
  readonly payload: Json;
  readonly priority: Task['priority'];
  readonly pool: string;
  readonly attempt: number;
  readonly timeoutSeconds: number;
  readonly resources?: Resources;
  readonly leaseToken: string;
  readonly leaseExpiresAt: string;
}

/** How long an unclaimed received message stays invisible while a lease call decides on it. */
const CONSIDER_SECONDS = 30;
/** How often an agent's lease call also looks at lower priorities, so aging can find old tasks there. */
const AGING_PROBE_MS = 10_000;
const lastProbe = new Map<string, number>();

/**
 * POST /workers/{id}/lease: up to `max` tasks (never more than the agent's free
 * slots, each fitting its free resources), from the agent pools it has a
 * capability of, in strict priority order with aging. Waits up to
 * `waitSeconds` for the first. Each task comes with a lease token and lasts
 * its timeout; a heartbeat extends it.
 */
export async function leaseTasks(deps: AgentDeps, tenant: string, agentId: string, raw: unknown): Promise<LeasedTask[]> {
  const parsed = leaseRequest.safeParse(raw ?? {});
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error));
  const { max, waitSeconds } = parsed.data;
  const agent = await ownAgent(deps, tenant, agentId);
  const started = deps.now();
  await deps.agents.touch(agentId, started);
  if (!(await deps.agents.lock(agentId, started, (waitSeconds + 10) * 1000))) {
    throw new ConflictError('lease_in_progress', `worker ${agentId} already has a lease call in progress`);
  }
  try {
    for (const lease of Object.values(agent.leases)) {
      if (Date.parse(lease.expiresAt) <= started.getTime()) await deps.agents.removeLease(agentId, lease.taskId);
    }
    const pools = leasablePools(deps.pools.filter((p) => p.runsOn === 'agents'), agent.capabilities);
    let free = freeCapacity(agent.capacity, Object.values(agent.leases), started);
    const leased: LeasedTask[] = [];
    const deadline = started.getTime() + waitSeconds * 1000;
    for (let round = 0; pools.length > 0; round++) {
      const want = Math.min(max - leased.length, free.slots);
      if (want <= 0) break;
      const remaining = Math.max(0, Math.ceil((deadline - deps.now().getTime()) / 1000));
      const candidates = await gather(deps, agentId, pools, want, round === 0 ? 0 : Math.min(2, remaining));
      for (const candidate of leaseOrder(candidates, deps.now())) {
        const taken = leased.length < max && free.slots >= 1 ? await tryLease(deps, tenant, agent, candidate, free) : undefined;
        if (taken === undefined) {
          if (!candidate.settled) await deps.agentQueue.setVisibility(candidate.queueKey, candidate.receipt, 0);
          continue;
        }
        leased.push(taken.task);
        free = take(free, taken.task.resources);
      }
      if (leased.length > 0 || deps.now().getTime() >= deadline) break;
    }
    return leased;
  } finally {
    await deps.agents.unlock(agentId);
  }
}

type Candidate = ReceivedTask & { queueKey: string; priority: Task['priority']; since: string; settled?: boolean };

/**
 * Receives candidates in strict priority order until `want` are in hand; every
 * AGING_PROBE_MS it also takes one from each lower queue, so a task waiting past
 * its priority's max wait can be served as one level higher.
 */
async function gather(deps: AgentDeps, agentId: string, pools: readonly Pool[], want: number, waitSeconds: number): Promise<Candidate[]> {
  const queues = PRIORITIES.flatMap((priority) => pools.map((pool) => ({ key: queueKey(pool.name, priority), priority })));
  const receive = async (q: { key: string; priority: Task['priority'] }, max: number, wait: number): Promise<Candidate[]> =>
    (await deps.agentQueue.receive(q.key, max, wait, CONSIDER_SECONDS)).map((m) => ({ ...m, queueKey: q.key, priority: q.priority, since: m.sentAt }));

  if (waitSeconds > 0) {
    // Long poll: wait on every queue at once; whichever has work answers first.
    return (await Promise.all(queues.map((q) => receive(q, want, waitSeconds)))).flat();
  }
  const found: Candidate[] = [];
  const probe = Date.now() - (lastProbe.get(agentId) ?? 0) >= AGING_PROBE_MS;
  if (probe) lastProbe.set(agentId, Date.now());
  for (const q of queues) {
    if (found.length < want) found.push(...(await receive(q, want - found.length, 0)));
    else if (probe) found.push(...(await receive(q, 1, 0)));
    else break;
  }
  return found;
}

/** Claims one candidate for the agent, or settles its message; undefined when not leased. */
async function tryLease(deps: AgentDeps, tenant: string, agent: Agent, candidate: Candidate, free: FreeCapacity): Promise<{ task: LeasedTask } | undefined> {
  if (candidate.tenant !== tenant) return undefined;
  const token = deps.newToken();
  const claim = await claimDelivery(deps, candidate.taskId, {
    worker: agent.id,
    timeoutMs: (task) => task.timeoutSeconds * 1000,
    lease: { token, receipt: candidate.receipt, queueKey: candidate.queueKey },
    accept: (task) => canRun(agent.capabilities, task.requires) && fits(task.resources, free),
    checkCircuit: false,
  });
  if (!('claimed' in claim)) {
    // Finished, running elsewhere, expired, or not for this agent (back at once).
    await settleMessage(deps, candidate.queueKey, candidate.receipt, claim);
    candidate.settled = true;
    return undefined;
  }
  const task = claim.claimed;
  const leaseExpiresAt = task.leaseExpiresAt as string;
  await deps.agentQueue.setVisibility(candidate.queueKey, candidate.receipt, Math.min(SQS_MAX_VISIBILITY, task.timeoutSeconds + leaseGrace(deps)));
  await deps.agents.addLease(agent.id, { taskId: task.id, ...(task.resources !== undefined ? { resources: task.resources } : {}), expiresAt: leaseExpiresAt });
  return {
    task: {
      id: task.id,
      type: task.type,
      payload: task.payload,
      priority: task.priority,
      pool: task.pool,
      attempt: task.attempts,
      timeoutSeconds: task.timeoutSeconds,
      ...(task.resources !== undefined ? { resources: task.resources } : {}),
      leaseToken: token,
      leaseExpiresAt,
    },
  };
}

/** Does to a message what an outcome says: delete it, or make it visible after a delay. */
export async function settleMessage(deps: Pick<AgentDeps, 'agentQueue'>, key: string, receipt: string, outcome: DeliveryOutcome): Promise<void> {
  if (outcome.action === 'delete') await deps.agentQueue.delete(key, receipt);
  else await deps.agentQueue.setVisibility(key, receipt, outcome.delaySeconds);
}

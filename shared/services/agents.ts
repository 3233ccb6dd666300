import { z } from 'zod';
import { AGENT_HEARTBEAT_SECONDS, isOnline, leaseCheck, leaseCheckAt, toAgentView, type Agent } from '../domain/agent.js';
import { mapChildJobId } from '../domain/job.js';
import { isAvailable } from '../domain/dispatch.js';
import { freeCapacity, type FreeCapacity, type HeldLease } from '../domain/leasing.js';
import { poolsFor } from '../domain/routing.js';
import { isPastDeadline } from '../domain/state-machine.js';
import { createDefaultPolicy, type AgentProfile, type Candidate, type SchedulingPolicy } from '../domain/scheduling/index.js';
import { toFieldErrors } from '../domain/task-input.js';
import { labels } from '../domain/validation.js';
import type { Json, Resources, Task } from '../domain/task.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { AgentStore } from '../ports/agent-store.js';
import type { ReadySignal, Woken } from '../ports/ready-signal.js';
import type { ReadyTask, TaskQueries } from '../ports/task-queries.js';
import type { Pool } from '../topology/topology.js';
import { startEvent, type DeliveryDeps } from './claim-delivery.js';
import { carriedCompletion, completeCarried, type CarriedOutcome } from './lease-calls.js';
import { isInvalidTransition, isRaceLost } from './task-lifecycle.js';
import type { ReadyView } from './ready-view.js';
import { isWaitForTurn } from './start-gate.js';
import { releaseUnheldLeases } from './unheld-leases.js';

export interface AgentDeps extends DeliveryDeps {
  readonly agents: AgentStore;
  readonly queries: Pick<TaskQueries, 'ready'>;
  readonly signal: ReadySignal;
  /** This process's shared view of the ready sets (one read serves concurrent lease calls). */
  readonly readyView?: ReadyView;
  readonly newId: () => string;
  readonly newToken: () => string;
}

export const registration = z.strictObject({
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
  weight: z.number().positive().max(100).default(1),
  labels: labels.default({}),
});

/** POST /workers: a new agent, online from now; `pools` says where its work can come from. */
export async function registerAgent(deps: AgentDeps, tenant: string, raw: unknown): Promise<ReturnType<typeof toAgentView> & { pools: string[] }> {
  const parsed = registration.safeParse(raw);
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error));
  const now = deps.now();
  const agent: Agent = {
    id: deps.newId(),
    tenant,
    ...(parsed.data.name !== undefined ? { name: parsed.data.name } : {}),
    capabilities: [...new Set(parsed.data.capabilities)],
    capacity: parsed.data.capacity,
    weight: parsed.data.weight,
    labels: parsed.data.labels,
    registeredAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    leases: {},
    revision: 0,
  };
  await deps.agents.create(agent);
  return { ...toAgentView(agent, now), pools: poolsFor(deps.pools, agent.capabilities).map((p) => p.name) };
}

/** The tenant's agent; another tenant's is "not found" (its key is another tenant's). */
export async function ownAgent(deps: Pick<AgentDeps, 'agents'>, tenant: string, id: string): Promise<Agent> {
  const agent = await deps.agents.get(tenant, id);
  if (agent === undefined) throw new NotFoundError('worker', id);
  return agent;
}

export const heartbeatBody = z.strictObject({ running: z.array(z.string().min(1).max(512)).max(1000).optional() });

/**
 * POST /workers/{id}/heartbeat {running?}: the agent is alive. With `running`
 * (the tasks it is running), a lease it holds but does not know of (its lease
 * answer was lost) is handed back: see unheld-leases.ts.
 */
export async function agentHeartbeat(deps: AgentDeps, tenant: string, id: string, raw: unknown = {}): Promise<ReturnType<typeof toAgentView>> {
  const body = heartbeatBody.safeParse(raw);
  if (!body.success) throw new ValidationError(toFieldErrors(body.error));
  const agent = await ownAgent(deps, tenant, id);
  const now = deps.now();
  await deps.agents.touch(tenant, id, now);
  if (body.data.running !== undefined) {
    // A lease whose end the agent would have reported does not free its slot when it ends: one it never heard of is freed here.
    const released = await releaseUnheldLeases(deps, agent, body.data.running);
    if (released.length > 0) await deps.agents.update(tenant, id, { drop: released });
  }
  return toAgentView({ ...agent, lastSeenAt: now.toISOString() }, now);
}

export const leaseRequest = z.strictObject({
  max: z.int().min(1).max(100).default(1),
  waitSeconds: z.int().min(0).max(20).default(0),
  /**
   * The tasks whose end (complete, fail, release) the agent reported and the API
   * answered since its last answered lease call. With it, the slots of the tasks
   * this call leases are freed by a later call's list rather than by a write of the
   * agent's record when each ends, and these are freed now, in the write this call
   * makes anyway. A listed task whose attempt is not over keeps its slot (and stays
   * watched): the list is checked against the records.
   */
  finished: z.array(z.string().min(1).max(512)).max(1000).optional(),
  /**
   * Completions of leased tasks, each as POST /tasks/{id}/complete would take it
   * (with the task's id): an agent that finishes work and asks for more says both
   * in one request. Each is answered in `completed`; their slots are free for
   * this call's leases.
   */
  completed: z.array(carriedCompletion).max(100).optional(),
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
  /** Set when the payload is too large to send inline (`payload` is then null): fetch `GET /tasks/{id}?include=payload`. */
  readonly payloadRef?: { readonly bytes: number };
  readonly leaseToken: string;
  readonly leaseExpiresAt: string;
}

/** Candidates read from the top of each ready-set shard. */
const PER_SHARD = 8;
/**
 * The longest a waiting lease call goes without reading the ready set and its
 * agent's record again. In one process a submission, or the end of one of the
 * agent's own leases, wakes it at once (ReadySignal); across processes (Lambda
 * containers) this is the polling interval of a long poll.
 */
const REREAD_MS = 500;

/** A pool's scheduling policy (named in the topology): a pure object over its settings, cheap to build per lease call. */
function policyOf(pool: Pool): SchedulingPolicy {
  return createDefaultPolicy(pool.scheduling ?? {});
}

/**
 * POST /workers/{id}/lease: up to `max` tasks (never more than the agent's free
 * slots, each fitting its free resources), chosen by each pool's scheduling
 * policy from the top of the tenant's ready sets, and claimed by a conditional
 * write. Nothing is received and put back: a task passed over is not touched.
 * Before claiming, the call writes the leases it is about to take to the agent's
 * record (`reserve`, conditional on the record's revision): that is what keeps
 * two calls of one agent from spending the same room, and what the sweep watches
 * the attempts by, so a task is never ACTIVE on an agent without its record
 * saying so. A call that takes nothing writes at most once (see `waitingUntil`).
 * Waits up to `waitSeconds` for the first, re-reading free capacity each round:
 * a round starts when a task becomes ready, when one of this agent's leases ends
 * (in this process: see ReadySignal), or REREAD_MS after the last.
 */
export async function leaseTasks(deps: AgentDeps, tenant: string, agentId: string, raw: unknown): Promise<LeasedTask[]> {
  return (await leaseCall(deps, tenant, agentId, raw)).tasks;
}

/** POST /workers/{id}/lease's answer: the tasks leased, and each carried completion's outcome when it carried any. */
export interface LeaseAnswer {
  readonly tasks: LeasedTask[];
  readonly completed?: CarriedOutcome[];
}

/** `leaseTasks`, with the completions the call carried answered. */
export async function leaseCall(deps: AgentDeps, tenant: string, agentId: string, raw: unknown): Promise<LeaseAnswer> {
  const parsed = leaseRequest.safeParse(raw ?? {});
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error));
  const { max, waitSeconds, finished, completed } = parsed.data;
  let agent = await ownAgent(deps, tenant, agentId);
  const carried = completed === undefined ? undefined : await completeCarried(deps, tenant, completed);
  // Completed by this call: over, without reading them again. One refused (stale, too large) is checked like a listed end.
  const over = new Set((carried ?? []).filter((c) => c.status === 200).map((c) => c.taskId));
  const listed = [...(finished ?? []), ...(carried ?? []).filter((c) => c.status !== 200).map((c) => c.taskId)];
  // The leases the agent reported over (and that are over): not counted, and dropped from its record by this call's first write.
  const ended = await endedLeases(deps, agent, listed, over);
  const started = deps.now();
  const until = started.getTime() + waitSeconds * 1000;
  // The task a notify woke this call for, until this call has read the ready set since.
  let woken: Woken | undefined;
  let wrote = false;
  // Whether the record says this call waits: a call that reserved (and lost its claims) has written, but not that.
  let saidWaiting = false;
  const pools = poolsFor(deps.pools, agent.capabilities);
  const leased: LeasedTask[] = [];
  const endReported = finished !== undefined || completed !== undefined;
  try {
    while (pools.length > 0) {
      const now = deps.now();
      let free = freeCapacity(agent.capacity, heldLeases(agent, ended));
      if (Math.min(max - leased.length, free.slots) <= 0) break;
      let moved = false;
      for (const pool of pools) {
        const want = Math.min(max - leased.length, free.slots);
        if (want <= 0) break;
        const turn = await leaseFromPool(deps, agent, pool, free, want, now, ended, endReported);
        if (turn === 'moved') {
          moved = true;
          break;
        }
        if (turn === undefined) continue;
        // The record now holds this turn's leases and no longer the ended ones.
        wrote = true;
        ended.clear();
        agent = turn.agent;
        free = freeCapacity(agent.capacity, heldLeases(agent, ended));
        leased.push(...turn.leased);
      }
      await passOnUnclaimed(deps, tenant, agentId, woken, leased);
      woken = undefined;
      if (moved) {
        // Another call of this agent reserved first: read what it took, and go again.
        agent = await ownAgent(deps, tenant, agentId);
        continue;
      }
      if (leased.length > 0 || deps.now().getTime() >= until) break;
      if (!saidWaiting) {
        // About to wait: say so (and that the agent is alive), so a lease of its ending meanwhile frees its room in the record (lease-ended.ts).
        await deps.agents.update(tenant, agentId, { seenAt: now, waitingUntil: new Date(until), drop: [...ended] });
        ended.clear();
        wrote = true;
        saidWaiting = true;
      }
      // A new ready task this agent could take, or a lease of this agent ending (more room), ends the wait early.
      const waiter = { id: agentId, capabilities: agent.capabilities, capacity: agent.capacity, free };
      woken = await deps.signal.wait(tenant, pools.map((p) => p.name), Math.min(REREAD_MS, until - deps.now().getTime()), waiter);
      // Woken for a task, the record is as this call left it: another call of the agent reserving meanwhile fails
      // this one's reserve (its revision changed), which reads it again ('moved'); a lease end here wakes the call
      // without a task (notifyAgent), and so does the re-read timer, and those read it. One round trip less between
      // a submission and its claim, and a read unit less per wake.
      if (woken !== undefined) continue;
      // Start reading the ready sets while the agent's record is read: one round trip, not two.
      if (deps.readyView !== undefined) for (const pool of pools) readReady(deps, tenant, pool).catch(() => undefined);
      agent = await ownAgent(deps, tenant, agentId);
    }
    return { tasks: leased, ...(carried !== undefined ? { completed: carried } : {}) };
  } finally {
    // Woken, then out of the loop before reading (no room left, an error): another waiter may take it.
    if (woken !== undefined) deps.signal.passOn(tenant, woken.pool, [woken.task], agentId);
    // A call that wrote nothing: the ended leases go, and the agent is seen, if either needs saying.
    const stale = deps.now().getTime() - Date.parse(agent.lastSeenAt) >= AGENT_HEARTBEAT_SECONDS * 1000;
    if (!wrote && (ended.size > 0 || stale)) await deps.agents.update(tenant, agentId, { seenAt: deps.now(), drop: [...ended] });
  }
}

/**
 * Of the leases the agent says it stopped running, the ones whose task is no
 * longer this agent's attempt. Its word alone is not enough: an agent that could
 * not report a task's end (the API was down) and listed it anyway would leave an
 * ACTIVE task that nothing watches (the sweep finds attempts through these
 * entries). One strongly consistent read per task: a read unit, where a write at
 * each task's end was a write unit. The ones this call completed (`over`) are
 * over without a read: the call's own write ended them.
 */
async function endedLeases(deps: AgentDeps, agent: Agent, finished: readonly string[], over: ReadonlySet<string>): Promise<Set<string>> {
  const ended = new Set([...over].filter((taskId) => agent.leases[taskId] !== undefined));
  const held = finished.filter((taskId) => agent.leases[taskId] !== undefined && !ended.has(taskId));
  if (held.length === 0) return ended;
  const tasks = new Map((await deps.records.getMany(agent.tenant, held)).map((t) => [t.id, t]));
  for (const taskId of held) if (leaseCheck(tasks.get(taskId), agent, deps.now()).kind === 'drop') ended.add(taskId);
  return ended;
}

/** The leases the agent's record holds, less the ones it reported over. */
function heldLeases(agent: Agent, ended: ReadonlySet<string>): HeldLease[] {
  return Object.values(agent.leases).filter((lease) => !ended.has(lease.taskId));
}

/**
 * This call was woken for a task (the signal chose it, one waiter of many) and
 * did not claim it: its policy chose another, or another call won the claim.
 * If the task is still in the ready set as this process sees it, the wake
 * passes to another waiter that could take it, so a targeted wake strands
 * nothing; one taken already is not passed on. Each waiter is woken for a task
 * at most once, so a task no one will take ends the chain after every fitting
 * waiter, and a lost race costs one extra wake, not one per waiter.
 */
async function passOnUnclaimed(deps: AgentDeps, tenant: string, agentId: string, woken: Woken | undefined, leased: readonly LeasedTask[]): Promise<void> {
  if (woken === undefined || leased.some((t) => t.id === woken.task.id)) return;
  const pool = deps.pools.find((p) => p.name === woken.pool);
  // Without a shared view, checking would cost a read of every shard: pass it on and let the next waiter look.
  if (pool !== undefined && deps.readyView !== undefined) {
    const ready = await readReady(deps, tenant, pool);
    if (!ready.some((t) => t.id === woken.task.id && isAvailable(t, deps.now()))) return;
  }
  deps.signal.passOn(tenant, woken.pool, [woken.task], agentId);
}

/**
 * One pool's turn: read its ready set, let the policy choose, reserve what it
 * chose in the agent's record, then claim it. Undefined: nothing chosen;
 * 'moved': another call of the agent reserved first.
 */
async function leaseFromPool(
  deps: AgentDeps,
  agent: Agent,
  pool: Pool,
  free: FreeCapacity,
  want: number,
  now: Date,
  ended: ReadonlySet<string>,
  endReported: boolean,
): Promise<{ agent: Agent; leased: LeasedTask[] } | 'moved' | undefined> {
  const [ready, fleet] = await Promise.all([readReady(deps, agent.tenant, pool), onlineFleet(deps, agent.tenant, now)]);
  const candidates: Candidate[] = [];
  for (const task of ready) {
    if (!isAvailable(task, now)) continue;
    if (isPastDeadline(task, now)) {
      await deps.lifecycle.move(task.tenant, task.id, { type: 'expire' }).catch((error: unknown) => {
        if (!isInvalidTransition(error)) throw error;
      });
      continue;
    }
    if (await ofStoppedJob(deps, task)) continue;
    candidates.push(toCandidate(task));
  }
  if (candidates.length === 0) return undefined;
  // Concurrency keys and rate limits (start-gate.ts): the policy skips what the gate would refuse.
  const gate = await deps.lifecycle.gate?.view(agent.tenant, ready.filter((t) => candidates.some((c) => c.id === t.id)), now);
  const open = gate === undefined ? candidates : candidates.filter((c) => !gate.blockedTypes.has(ready.find((t) => t.id === c.id)?.type ?? ''));
  const me = profileOf(agent, free);
  const online = fleet.filter((a) => a.id !== agent.id).concat(me);
  const limits = gate === undefined ? {} : { runningByConcurrencyKey: gate.runningByConcurrencyKey, concurrencyLimits: gate.concurrencyLimits };
  const chosen = policyOf(pool).choose(me, open, { online, ...limits }, now, want);
  if (chosen.length === 0) return undefined;
  // Out of this process's view at once: a concurrent call here chooses others rather than reading these and losing the race.
  for (const candidate of chosen) deps.readyView?.taken(agent.tenant, pool.name, candidate.id);
  // Read first: each lease's entry says when to check it, from the task's timeout. At half price: the claim is
  // conditional on the version read, so an earlier one only loses its claim (the lifecycle reads again), as a race would.
  const records = (await deps.records.getMany(agent.tenant, chosen.map((c) => c.id), { latest: false })).filter((t) => t.status === 'PENDING');
  const starts = records.map((task) => ({ task, start: startEvent(deps, agent.id, task.timeoutSeconds * 1000, now, { token: deps.newToken(), ...(endReported ? { endReported: true as const } : {}) }) }));
  const reserved = starts.map(({ task, start }): HeldLease => ({ taskId: task.id, checkAt: leaseCheckAt(start.leaseExpiresAt, now.getTime()), ...(task.resources !== undefined ? { resources: task.resources } : {}) }));
  if (reserved.length === 0) return undefined;
  if (!(await deps.agents.reserve(agent, reserved, [...ended], now))) return 'moved';
  const held = Object.fromEntries(heldLeases(agent, ended).concat(reserved).map((l) => [l.taskId, l]));
  const leased: LeasedTask[] = [];
  const lost: string[] = [];
  for (const { task, start } of starts) {
    const claimed = await claim(deps, task, start);
    if (claimed !== undefined) leased.push(claimed);
    else lost.push(task.id);
  }
  // Reserved and lost to another agent (or not startable now): its room is this agent's again.
  if (lost.length > 0) {
    await deps.agents.update(agent.tenant, agent.id, { drop: lost });
    for (const taskId of lost) delete held[taskId];
  }
  return { agent: { ...agent, revision: agent.revision + 1, lastSeenAt: now.toISOString(), leases: held }, leased };
}

/**
 * A map child whose job stopped (cancelled, or failed past its policy) is
 * cancelled here rather than leased: the job's cancellation would cancel it
 * anyway, but only once its cursor gets there (a large job takes a while), and
 * an agent would start it meanwhile. The ready index does not project `job`;
 * the child's id names it. `jobStopped` is cached per job, not read per task.
 */
async function ofStoppedJob(deps: AgentDeps, task: ReadyTask): Promise<boolean> {
  const jobId = mapChildJobId(task.id);
  if (jobId === undefined || deps.jobStopped === undefined || !(await deps.jobStopped(task.tenant, jobId))) return false;
  await deps.lifecycle.move(task.tenant, task.id, { type: 'cancel' }).catch((error: unknown) => {
    if (!isInvalidTransition(error)) throw error;
  });
  deps.readyView?.taken(task.tenant, task.pool, task.id);
  return true;
}

/** The top of a pool's ready set, through this process's shared view when there is one. */
function readReady(deps: AgentDeps, tenant: string, pool: Pool): Promise<readonly ReadyTask[]> {
  const read = (): Promise<readonly ReadyTask[]> => deps.queries.ready(tenant, pool.name, PER_SHARD);
  return deps.readyView?.read(tenant, pool.name, read) ?? read();
}

/** PENDING → ACTIVE for this agent (`start`, with its fresh lease token) from the version read; undefined when someone else got there first. */
async function claim(deps: AgentDeps, current: Task, start: ReturnType<typeof startEvent>): Promise<LeasedTask | undefined> {
  let task: Task;
  try {
    // Once: a claim that loses the race lost the task (another agent's, most likely), so it is not read again to find out.
    task = await deps.lifecycle.move(current.tenant, current.id, start, { seen: current, once: true });
  } catch (error) {
    // Taken by someone else, or its concurrency key / rate limit says not now: it stays in the ready set.
    if (isInvalidTransition(error) || isRaceLost(error) || isWaitForTurn(error)) return undefined;
    throw error;
  }
  return {
    id: task.id,
    type: task.type,
    payload: task.payload,
    priority: task.priority,
    pool: task.pool,
    attempt: task.attempts,
    timeoutSeconds: task.timeoutSeconds,
    ...(task.resources !== undefined ? { resources: task.resources } : {}),
    ...(task.payloadRef !== undefined ? { payloadRef: { bytes: task.payloadRef.bytes } } : {}),
    leaseToken: start.lease?.token as string,
    leaseExpiresAt: task.leaseExpiresAt as string,
  };
}

/** The tenant's online agents with their free capacity, through this process's shared view when there is one. */
function onlineFleet(deps: Pick<AgentDeps, 'agents' | 'readyView'>, tenant: string, now: Date): Promise<readonly AgentProfile[]> {
  const load = async (): Promise<readonly AgentProfile[]> =>
    (await deps.agents.list(tenant)).filter((a) => isOnline(a, now)).map((a) => profileOf(a, freeCapacity(a.capacity, Object.values(a.leases))));
  return deps.readyView?.fleet(tenant, load) ?? load();
}

function profileOf(agent: Agent, free: FreeCapacity): AgentProfile {
  return { id: agent.id, capabilities: agent.capabilities, capacity: agent.capacity, free, weight: agent.weight, labels: agent.labels };
}

function toCandidate(task: ReadyTask): Candidate {
  const p = task.placement;
  return {
    id: task.id,
    tenant: task.tenant,
    pool: task.pool,
    priority: task.priority,
    enqueuedAt: task.readySince,
    requires: task.requires,
    ...(task.deadline !== undefined ? { deadline: task.deadline } : {}),
    ...(task.resources !== undefined ? { resources: task.resources } : {}),
    ...(p?.prefers !== undefined ? { prefers: p.prefers } : {}),
    ...(p?.affinityKey !== undefined ? { affinityKey: p.affinityKey } : {}),
    ...(p?.agent !== undefined ? { agent: p.agent } : {}),
    ...(p?.avoidAgents !== undefined ? { avoidAgents: p.avoidAgents } : {}),
    ...(p?.concurrency !== undefined ? { concurrencyKey: p.concurrency.key } : {}),
  };
}

/**
 * A discrete-event simulation of an agent fleet: tasks arrive, a dispatcher
 * starts them on agents, agents finish them after `work / weight` seconds. The
 * policy run and the offline reference share it, so they differ only in who
 * decides. Time is virtual (seconds); nothing sleeps.
 */
import { candidateRank } from '../../shared/domain/scheduling/order.js';
import { eligible, fits, fullCapacity, take } from '../../shared/domain/scheduling/fit.js';
import type { SchedulingConfig } from '../../shared/domain/scheduling/config.js';
import type { AgentProfile, Candidate, FreeCapacity } from '../../shared/domain/scheduling/types.js';
import type { AgentSpec, TaskSpec, Workload } from './workload.js';

export const EPOCH = Date.parse('2026-01-01T00:00:00.000Z');
export const at = (seconds: number): Date => new Date(EPOCH + seconds * 1000);

export interface Placement {
  readonly task: string;
  readonly agent: string;
  readonly start: number;
  readonly end: number;
}

export interface RunResult {
  readonly placements: ReadonlyMap<string, Placement>;
  /** Starts while a better-ranked (after aging) task that fitted the same agent waited. */
  readonly inversions: number;
  readonly end: number;
}

/** The dispatcher's view at one instant: what waits (in arrival order) and every agent's free room. */
export interface Instant {
  readonly now: number;
  readonly waiting: ReadonlyMap<string, Candidate>;
  readonly free: ReadonlyMap<string, FreeCapacity>;
  readonly agents: readonly AgentSpec[];
}

/** Decides starts at one instant; the engine applies them one by one, in the order given. */
export type Dispatch = (instant: Instant, start: (task: string, agent: string) => void) => void;

export function toCandidate(task: TaskSpec): Candidate {
  return {
    id: task.id,
    tenant: 'bench',
    pool: 'agents',
    priority: task.priority,
    enqueuedAt: at(task.arrival).toISOString(),
    requires: task.requires,
    resources: task.resources,
    ...(task.deadline !== undefined ? { deadline: at(task.deadline).toISOString() } : {}),
    ...(task.affinityKey !== undefined ? { affinityKey: task.affinityKey } : {}),
    ...(task.prefers !== undefined ? { prefers: task.prefers } : {}),
  };
}

export function profile(agent: AgentSpec, free: FreeCapacity): AgentProfile {
  return { id: agent.id, capabilities: agent.capabilities, capacity: agent.capacity, free, weight: agent.weight, labels: agent.labels };
}

/**
 * Runs the workload to the end (or `limit` seconds of virtual time); `tick` wakes
 * the dispatcher while work waits. Inversions are judged with `config` (aging and
 * due-promotion), the policy's by default.
 */
export function simulate(workload: Workload, dispatch: Dispatch, options: { tick?: number; limit?: number; config?: SchedulingConfig } = {}): RunResult {
  const tick = options.tick ?? 5;
  const limit = options.limit ?? 1e7;
  const byId = new Map(workload.tasks.map((t) => [t.id, t]));
  const agents = new Map(workload.agents.map((a) => [a.id, a]));
  const free = new Map(workload.agents.map((a) => [a.id, fullCapacity(a.capacity)]));
  const waiting = new Map<string, Candidate>();
  const placements = new Map<string, Placement>();
  const running: Placement[] = []; // sorted by end, soonest last
  let next = 0;
  let now = 0;
  let inversions = 0;

  const start = (taskId: string, agentId: string): void => {
    const task = byId.get(taskId);
    const agent = agents.get(agentId);
    const room = free.get(agentId);
    const candidate = waiting.get(taskId);
    if (task === undefined || agent === undefined || room === undefined || candidate === undefined) throw new Error(`bad start ${taskId} on ${agentId}`);
    if (!eligible(profile(agent, room), candidate) || !fits(task.resources, room)) throw new Error(`${taskId} does not fit ${agentId}`);
    const rank = candidateRank(candidate, at(now), options.config);
    const view = profile(agent, room);
    for (const other of waiting.values()) {
      if (other.id !== taskId && candidateRank(other, at(now), options.config) < rank && eligible(view, other) && fits(other.resources, room)) {
        inversions++;
        break;
      }
    }
    waiting.delete(taskId);
    free.set(agentId, take(room, task.resources));
    const placement = { task: taskId, agent: agentId, start: now, end: now + task.work / agent.weight };
    placements.set(taskId, placement);
    const i = running.findIndex((p) => p.end < placement.end);
    running.splice(i === -1 ? running.length : i, 0, placement);
  };

  let wake = 0;
  while (next < workload.tasks.length || running.length > 0 || (waiting.size > 0 && now < limit)) {
    const arrival = workload.tasks[next]?.arrival ?? Infinity;
    const completion = running[running.length - 1]?.end ?? Infinity;
    const timer = waiting.size > 0 ? wake : Infinity;
    now = Math.min(arrival, completion, timer);
    if (now === Infinity || now > limit) break;
    while ((workload.tasks[next]?.arrival ?? Infinity) <= now) {
      const task = workload.tasks[next++] as TaskSpec;
      waiting.set(task.id, toCandidate(task));
    }
    while ((running[running.length - 1]?.end ?? Infinity) <= now) {
      const done = running.pop() as Placement;
      const agent = agents.get(done.agent) as AgentSpec;
      const room = free.get(done.agent) as FreeCapacity;
      const task = byId.get(done.task) as TaskSpec;
      free.set(done.agent, { slots: room.slots + 1, cpu: room.cpu + (task.resources.cpu ?? 0), gpu: room.gpu + (task.resources.gpu ?? 0), memoryMb: room.memoryMb + (task.resources.memoryMb ?? 0) });
      void agent;
    }
    if (waiting.size > 0) dispatch({ now, waiting, free, agents: workload.agents }, start);
    wake = now + tick;
  }
  return { placements, inversions, end: now };
}

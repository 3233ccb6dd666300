/**
 * Judges a `--live` run from the server's own records, after the fact. Every
 * time here is the server's (createdAt, startedAt, finishedAt; one machine, so
 * one clock with the bench), so the bench never guesses when the server saw a
 * task or what room an agent had: a task was waiting from its createdAt until
 * its startedAt, and an agent's room at an instant is its capacity less the
 * tasks started on it and not finished. Pure; `live.ts` gathers the records.
 */
import { candidateRank } from '../../shared/domain/scheduling/order.js';
import { eligible, fits, fullCapacity, take } from '../../shared/domain/scheduling/fit.js';
import type { SchedulingConfig } from '../../shared/domain/scheduling/config.js';
import type { Candidate, FreeCapacity } from '../../shared/domain/scheduling/types.js';
import type { Priority } from '../../shared/domain/priority.js';
import type { Resources } from '../../shared/domain/task.js';
import { profile, type Placement } from './engine.js';
import type { AgentSpec, TaskSpec, Workload } from './workload.js';

/** One task as the server recorded it; times in epoch ms; `agent` is the bench's agent id. */
export interface ServerTask {
  readonly id: string;
  readonly priority: Priority;
  readonly requires: readonly string[];
  readonly resources: Resources;
  readonly deadline?: string;
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly agent?: string;
  /** Ended without a completed run (EXPIRED, CANCELLED, FAILED): when, epoch ms. */
  readonly endedUnrun?: number;
}

/** One lease call's answer: which tasks it brought, in the order the server claimed them. */
export interface LeaseCall {
  readonly agent: string;
  readonly tasks: readonly string[];
}

/**
 * How long before its first claim a lease call may have decided: a round reads
 * the ready set (16 queries) and the agent's record, then chooses and claims,
 * and a read in flight is shared by the calls that join it. A task created, or
 * a run finished, less than this before the first claim is not held against the
 * call. Generous on purpose (a loaded 2-core machine); a real inversion comes
 * from a rival the policy could not see (top-K) and waits longer than this.
 */
export const DECISION_GRACE_MS = 500;

function candidate(task: ServerTask): Candidate {
  return {
    id: task.id,
    tenant: 'bench',
    pool: 'gpu',
    priority: task.priority,
    enqueuedAt: new Date(task.createdAt).toISOString(),
    requires: task.requires,
    resources: task.resources,
    ...(task.deadline !== undefined ? { deadline: task.deadline } : {}),
  };
}

/** An agent's room at `at`: capacity less the tasks started before `at` (strictly) and not finished by `finishedBy`. */
function roomOf(agent: AgentSpec, tasks: readonly ServerTask[], startedBefore: number, finishedBy: number, except: string): FreeCapacity {
  let free = fullCapacity(agent.capacity);
  for (const u of tasks) {
    if (u.id === except || u.agent !== agent.id || u.startedAt === undefined || u.startedAt >= startedBefore) continue;
    if ((u.finishedAt ?? Infinity) > finishedBy) free = take(free, u.resources);
  }
  return free;
}

/**
 * Starts while a better-ranked task (after aging and due-promotion, with the
 * server's scheduling config on the server's clock) that the agent could run
 * and had room for was waiting: the sim's definition, judged at the decision.
 * A call's decision is taken just before its first claim (`d`); a rival counts
 * if it was created by `d − grace` and still waiting when this task was claimed,
 * and the agent's room is what it had then (runs finished within the grace still
 * count as running; tasks the same call claimed earlier are taken).
 */
export function countInversions(
  tasks: readonly ServerTask[],
  calls: readonly LeaseCall[],
  agents: readonly AgentSpec[],
  config: SchedulingConfig,
  graceMs = DECISION_GRACE_MS,
): number {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const agentById = new Map(agents.map((a) => [a.id, a]));
  let inversions = 0;
  for (const call of calls) {
    const claimed = call.tasks.map((id) => byId.get(id)).filter((t): t is ServerTask => t?.startedAt !== undefined);
    const agent = agentById.get(call.agent);
    if (claimed.length === 0 || agent === undefined) continue;
    const decided = Math.min(...claimed.map((t) => t.startedAt as number));
    const now = new Date(decided);
    for (const task of claimed) {
      const started = task.startedAt as number;
      const room = roomOf(agent, tasks, started, decided - graceMs, task.id);
      const view = profile(agent, room);
      const rank = candidateRank(candidate(task), now, config);
      const rival = tasks.some((w) => {
        if (w.id === task.id || w.createdAt > decided - graceMs || (w.startedAt ?? Infinity) <= started) return false;
        const c = candidate(w);
        return candidateRank(c, now, config) < rank && eligible(view, c) && fits(w.resources, room);
      });
      if (rival) inversions++;
    }
  }
  return inversions;
}

/**
 * The tasks whose lease latency says how fast an idle agent is served: when the
 * server got the task, some agent able to run it had room for it, nothing else
 * it could run was waiting (or came with it, in one batch), and no task that
 * came later started on it first.
 * Anything else waited behind other work, which is scheduling, not latency.
 */
export function idleAgentTasks(tasks: readonly ServerTask[], agents: readonly AgentSpec[]): Set<string> {
  const out = new Set<string>();
  for (const task of tasks) {
    if (task.startedAt === undefined) continue;
    const c = candidate(task);
    const idle = agents.some((agent) => {
      const room = roomOf(agent, tasks, task.createdAt + 1, task.createdAt, task.id);
      if (!eligible(profile(agent, room), c) || !fits(task.resources, room)) return false;
      return !tasks.some(
        (w) =>
          w.id !== task.id &&
          // Created with it counts too: a batch's tasks share one createdAt and compete for the same room.
          ((w.createdAt <= task.createdAt && (w.startedAt ?? Infinity) > task.createdAt && eligible(profile(agent, room), candidate(w))) ||
            (w.createdAt > task.createdAt && w.agent === agent.id && (w.startedAt ?? Infinity) < (task.startedAt as number))),
      );
    });
    if (idle) out.add(task.id);
  }
  return out;
}

/**
 * The run in the sim's terms (workload seconds from `t0`): arrivals and
 * deadlines as the server had them, placements from claim to completion, so
 * `measure` computes utilisation and load over what the server held.
 */
export function inWorkloadTime(
  workload: Workload,
  tasks: readonly ServerTask[],
  t0: number,
  scale: number,
): { workload: Workload; placements: Map<string, Placement>; leftUnrun: Map<string, number> } {
  const seconds = (ms: number): number => (ms - t0) / 1000 / scale;
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const specs: TaskSpec[] = [];
  const placements = new Map<string, Placement>();
  const leftUnrun = new Map<string, number>();
  for (const spec of workload.tasks) {
    const server = byId.get(spec.id);
    if (server === undefined) continue;
    const { deadline: _deadline, ...rest } = spec;
    specs.push({ ...rest, arrival: seconds(server.createdAt), ...(server.deadline !== undefined ? { deadline: seconds(Date.parse(server.deadline)) } : {}) });
    if (server.agent !== undefined && server.startedAt !== undefined && server.finishedAt !== undefined) {
      placements.set(spec.id, { task: spec.id, agent: server.agent, start: seconds(server.startedAt), end: seconds(server.finishedAt) });
    }
    // Past its deadline a task is expired, not started (runs recorded before endedUnrun: the deadline alone says when).
    const ended = Math.min(server.endedUnrun ?? Infinity, server.deadline === undefined ? Infinity : Date.parse(server.deadline));
    if (!placements.has(spec.id) && ended < Infinity) leftUnrun.set(spec.id, seconds(ended));
  }
  return { workload: { ...workload, tasks: specs }, placements, leftUnrun };
}

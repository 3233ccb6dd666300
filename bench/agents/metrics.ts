import { percentiles } from '../../shared/domain/stats.js';
import { canRun } from '../../shared/domain/scheduling/fit.js';
import { PRIORITIES, type Priority } from '../../shared/domain/priority.js';
import type { Placement } from './engine.js';
import type { TaskSpec, Workload } from './workload.js';

export interface Metrics {
  /** Used / available of the workload's dimension, over the time some task waited. */
  readonly utilisation: number;
  /** Coefficient of variation of busy time across equal agents: the worst class. */
  readonly loadCv: number;
  readonly cvByClass: Readonly<Record<string, number>>;
  /** Deadlines a weight-1… agent could meet if the task started on arrival, and how many were met (finished by). */
  readonly deadlines: { readonly feasible: number; readonly met: number };
  readonly inversions: number;
  /** Tasks that never started although an agent could run them. */
  readonly stranded: number;
  readonly completed: number;
  /** Seconds from the first arrival to the last finish. */
  readonly makespan: number;
  /** The longest queue time (arrival → start), seconds: starvation shows here. */
  readonly longestWait: number;
  /** Queue time (arrival → start), seconds. */
  readonly queueP50: Readonly<Partial<Record<Priority, number>>>;
  /** Starts that put an agent past its slots, cpu, gpu or memory (the runs on it at that instant): must be 0. */
  readonly overcommits: number;
}

/** Counts starts after which an agent's running tasks need more than it has, in any dimension. */
export function countOvercommits(workload: Workload, placements: ReadonlyMap<string, Placement>): number {
  const byId = new Map(workload.tasks.map((t) => [t.id, t]));
  let overcommits = 0;
  for (const agent of workload.agents) {
    const mine = [...placements.values()].filter((p) => p.agent === agent.id);
    for (const p of mine) {
      // Running at p's start: started at or before it, not finished by it.
      const running = mine.filter((q) => q.start <= p.start && q.end > p.start).map((q) => byId.get(q.task) as TaskSpec);
      const sum = (f: (t: TaskSpec) => number): number => running.reduce((s, t) => s + f(t), 0);
      const c = agent.capacity;
      if (running.length > c.slots || sum((t) => t.resources.cpu ?? 0) > c.cpu + 1e-9 || sum((t) => t.resources.gpu ?? 0) > c.gpu || sum((t) => t.resources.memoryMb ?? 0) > c.memoryMb) overcommits++;
    }
  }
  return overcommits;
}

const usage = (task: TaskSpec, dimension: Workload['dimension']): number => (dimension === 'gpu' ? (task.resources.gpu ?? 0) : 1);

/**
 * `leftUnrun`: tasks that left the backlog without a completed run (the server
 * expired them at their deadline, or they were cancelled), and when, in workload
 * seconds.
 * No agent may start such a task, so it is backlog until then only; counted on
 * for ever, one expired task made the rest of a live run "a backlog" (its last
 * long runs finishing on a fleet otherwise idle: the live GPU fleet's 86.8–89.8 %
 * were 90.7–94.0 % without). The sim runs every task, so it passes none.
 */
export function measure(workload: Workload, placements: ReadonlyMap<string, Placement>, inversions: number, leftUnrun: ReadonlyMap<string, number> = new Map()): Metrics {
  const { agents, tasks, dimension } = workload;
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const capacity = agents.reduce((sum, a) => sum + (dimension === 'gpu' ? a.capacity.gpu : a.capacity.slots), 0);

  // Sweep: backlog changes at arrivals and starts, usage at starts and ends.
  const events: { t: number; backlog: number; used: number }[] = [];
  for (const task of tasks) events.push({ t: task.arrival, backlog: 1, used: 0 });
  for (const [id, at] of leftUnrun) if (byId.has(id) && !placements.has(id)) events.push({ t: at, backlog: -1, used: 0 });
  for (const p of placements.values()) {
    const u = usage(byId.get(p.task) as TaskSpec, dimension);
    events.push({ t: p.start, backlog: -1, used: u }, { t: p.end, backlog: 0, used: -u });
  }
  events.sort((a, b) => a.t - b.t);
  let backlog = 0;
  let used = 0;
  let usedArea = 0;
  let capacityArea = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as (typeof events)[number];
    backlog += e.backlog;
    used += e.used;
    const span = (events[i + 1]?.t ?? e.t) - e.t;
    if (backlog > 0 && span > 0) {
      usedArea += used * span;
      capacityArea += capacity * span;
    }
  }

  const busy = new Map<string, number>(agents.map((a) => [a.id, 0]));
  for (const p of placements.values()) busy.set(p.agent, (busy.get(p.agent) ?? 0) + (p.end - p.start) * usage(byId.get(p.task) as TaskSpec, dimension));
  const cvByClass: Record<string, number> = {};
  for (const cls of new Set(agents.map((a) => a.class))) {
    const loads = agents.filter((a) => a.class === cls).map((a) => busy.get(a.id) ?? 0);
    if (loads.length < 2) continue;
    const mean = loads.reduce((s, x) => s + x, 0) / loads.length;
    const sd = Math.sqrt(loads.reduce((s, x) => s + (x - mean) ** 2, 0) / loads.length);
    cvByClass[cls] = mean === 0 ? 0 : sd / mean;
  }

  let feasible = 0;
  let met = 0;
  for (const task of tasks) {
    if (task.deadline === undefined) continue;
    const fastest = Math.max(0, ...agents.filter((a) => canRun(a.capabilities, task.requires)).map((a) => a.weight));
    if (fastest === 0 || task.arrival + task.work / fastest > task.deadline) continue;
    feasible++;
    const p = placements.get(task.id);
    if (p !== undefined && p.end <= task.deadline + 1e-9) met++;
  }

  const stranded = tasks.filter((t) => !placements.has(t.id) && agents.some((a) => canRun(a.capabilities, t.requires))).length;
  const queueP50: Partial<Record<Priority, number>> = {};
  for (const priority of PRIORITIES) {
    const waits = tasks.filter((t) => t.priority === priority && placements.has(t.id)).map((t) => (placements.get(t.id) as Placement).start - t.arrival);
    const p = percentiles(waits);
    if (p !== undefined) queueP50[priority] = p.p50;
  }
  const ends = [...placements.values()].map((p) => p.end);
  const longestWait = Math.max(0, ...tasks.flatMap((t) => (placements.has(t.id) ? [(placements.get(t.id) as Placement).start - t.arrival] : [])));
  return {
    utilisation: capacityArea === 0 ? 1 : usedArea / capacityArea,
    loadCv: Math.max(0, ...Object.values(cvByClass)),
    cvByClass,
    deadlines: { feasible, met },
    inversions,
    stranded,
    completed: placements.size,
    makespan: ends.length === 0 ? 0 : Math.max(...ends) - Math.min(...tasks.map((t) => t.arrival)),
    queueP50,
    longestWait,
    overcommits: countOvercommits(workload, placements),
  };
}

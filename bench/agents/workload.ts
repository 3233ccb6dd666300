/**
 * Seeded workloads for the agent-fleet benchmark: a fleet (skills, speeds,
 * GPU/memory sizes) and a stream of tasks (priorities, deadlines, resources,
 * run times). The same seed gives the same workload, so the policy and the
 * offline reference run on identical input.
 */
import type { Priority } from '../../shared/domain/priority.js';
import type { Resources } from '../../shared/domain/task.js';

export interface AgentSpec {
  readonly id: string;
  readonly capabilities: readonly string[];
  readonly capacity: { readonly slots: number; readonly cpu: number; readonly gpu: number; readonly memoryMb: number };
  /** Relative speed: a task of `work` seconds runs `work / weight` seconds here. */
  readonly weight: number;
  readonly labels: Readonly<Record<string, string>>;
  /** Agents of one class are equal (same skills, size and speed): load CV is measured within a class. */
  readonly class: string;
}

export interface TaskSpec {
  readonly id: string;
  /** Seconds from the start of the run. */
  readonly arrival: number;
  readonly priority: Priority;
  readonly requires: readonly string[];
  readonly resources: Resources;
  /** Run time in seconds on an agent of weight 1. */
  readonly work: number;
  /** Seconds from the start of the run. */
  readonly deadline?: number;
  readonly affinityKey?: string;
  readonly prefers?: Readonly<Record<string, number>>;
}

export interface Workload {
  readonly name: string;
  readonly agents: readonly AgentSpec[];
  readonly tasks: readonly TaskSpec[];
  /** The resource whose utilisation is the headline figure. */
  readonly dimension: 'gpu' | 'slots';
}

/** mulberry32: a small, fast, seeded PRNG; plenty for a benchmark's workload. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: () => number, weighted: readonly (readonly [T, number])[]): T => {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  let r = rnd() * total;
  for (const [value, w] of weighted) {
    r -= w;
    if (r < 0) return value;
  }
  return (weighted[weighted.length - 1] as readonly [T, number])[0];
};

/** Log-normal-ish run times: most short, a long tail, clamped to [min, max]. */
const runTime = (rnd: () => number, median: number, min: number, max: number): number => {
  const normal = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  return Math.round(Math.min(max, Math.max(min, median * Math.exp(0.6 * normal))));
};

const PRIORITY_MIX: readonly (readonly [Priority, number])[] = [
  ['critical', 3],
  ['high', 17],
  ['normal', 50],
  ['low', 30],
];

/**
 * Deadlines, on a share of the high-priority work (SLAs) and a few others: room
 * for the run itself on a weight-1 agent plus a queueing allowance.
 */
const deadlineFor = (rnd: () => number, priority: Priority, arrival: number, work: number): number | undefined => {
  const share = priority === 'critical' || priority === 'high' ? 0.7 : priority === 'normal' ? 0.2 : 0.05;
  if (rnd() >= share) return undefined;
  return Math.round(arrival + work + 120 + rnd() * 480);
};

/**
 * Offered load in waves: 10 minutes at 1.4 × capacity (a backlog builds), then 10
 * minutes at 0.7 × (it drains). On average about what the fleet can do, as
 * a fleet sized for its work sees it; a constant overload would only grow the
 * backlog for ever, and no schedule meets deadlines there.
 */
export function waveLoad(seconds: number): number {
  return Math.floor(seconds / 600) % 2 === 0 ? 1.4 : 0.7;
}

function fleet(classes: readonly { class: string; count: number; spec: Omit<AgentSpec, 'id' | 'class'> }[]): AgentSpec[] {
  return classes.flatMap(({ class: name, count, spec }) => Array.from({ length: count }, (_, i) => ({ ...spec, id: `${name}-${i + 1}`, class: name })));
}

/**
 * A GPU fleet: 4 large (8 GPU), 8 medium (4 GPU), 4 small (2 GPU) agents; jobs
 * need 1, 2, 4 or 8 GPUs and memory in proportion. Offered load slightly above
 * capacity in waves (see waveLoad), so backlogs build and packing decides.
 */
export function gpuWorkload(seed: number, count: number): Workload {
  const rnd = random(seed);
  const agents = fleet([
    { class: 'gpu8', count: 4, spec: { capabilities: ['cuda'], capacity: { slots: 8, cpu: 64, gpu: 8, memoryMb: 512_000 }, weight: 1, labels: { size: 'large' } } },
    { class: 'gpu4', count: 8, spec: { capabilities: ['cuda'], capacity: { slots: 4, cpu: 32, gpu: 4, memoryMb: 256_000 }, weight: 1, labels: { size: 'medium' } } },
    { class: 'gpu2', count: 4, spec: { capabilities: ['cuda'], capacity: { slots: 2, cpu: 16, gpu: 2, memoryMb: 128_000 }, weight: 1, labels: { size: 'small' } } },
  ]);
  const totalGpu = agents.reduce((sum, a) => sum + a.capacity.gpu, 0);
  const gpuMix: readonly (readonly [number, number])[] = [
    [1, 40],
    [2, 30],
    [4, 20],
    [8, 10],
  ];
  const meanGpu = gpuMix.reduce((s, [g, w]) => s + g * w, 0) / gpuMix.reduce((s, [, w]) => s + w, 0);
  const medianWork = 120;
  // Offered GPU-seconds per second as a share of the fleet's GPUs (mean run time ≈ 1.2 × median), in waves.
  const rate = (load: number): number => (load * totalGpu) / (meanGpu * medianWork * 1.2);
  let clock = 0;
  const tasks: TaskSpec[] = [];
  for (let i = 0; i < count; i++) {
    clock += -Math.log(1 - rnd()) / rate(waveLoad(clock));
    const gpu = pick(rnd, gpuMix);
    const priority = pick(rnd, PRIORITY_MIX);
    const work = runTime(rnd, medianWork, 20, 900);
    const deadline = deadlineFor(rnd, priority, clock, work);
    tasks.push({
      id: `g${String(i).padStart(5, '0')}`,
      arrival: Math.round(clock * 1000) / 1000,
      priority,
      requires: ['cuda'],
      resources: { gpu, cpu: gpu * 4, memoryMb: gpu * 32_000 },
      work,
      ...(deadline !== undefined ? { deadline } : {}),
    });
  }
  return { name: 'gpu', agents, tasks, dimension: 'gpu' };
}

/**
 * A mixed fleet of coding agents: generalists (shell), docker hosts, two
 * security reviewers, fast and slow machines; tasks with skills, affinity keys
 * (one repository's tasks together) and soft region preferences.
 */
export function mixedWorkload(seed: number, count: number): Workload {
  const rnd = random(seed);
  const agents = fleet([
    { class: 'shell', count: 6, spec: { capabilities: ['shell'], capacity: { slots: 2, cpu: 4, gpu: 0, memoryMb: 8_000 }, weight: 1, labels: { region: 'eu' } } },
    { class: 'shell-fast', count: 2, spec: { capabilities: ['shell'], capacity: { slots: 2, cpu: 8, gpu: 0, memoryMb: 16_000 }, weight: 2, labels: { region: 'us' } } },
    { class: 'docker', count: 4, spec: { capabilities: ['shell', 'docker'], capacity: { slots: 2, cpu: 8, gpu: 0, memoryMb: 16_000 }, weight: 1, labels: { region: 'eu' } } },
    { class: 'review', count: 2, spec: { capabilities: ['shell', 'security-review'], capacity: { slots: 1, cpu: 4, gpu: 0, memoryMb: 8_000 }, weight: 1, labels: { region: 'us' } } },
  ]);
  const slots = agents.reduce((sum, a) => sum + a.capacity.slots * a.weight, 0);
  const kinds: readonly (readonly [{ requires: string[]; cpu: number; memoryMb: number }, number])[] = [
    [{ requires: ['shell'], cpu: 1, memoryMb: 2_000 }, 75],
    [{ requires: ['docker'], cpu: 2, memoryMb: 4_000 }, 20],
    [{ requires: ['security-review'], cpu: 1, memoryMb: 2_000 }, 5],
  ];
  const medianWork = 60;
  const rate = (load: number): number => (load * slots) / (medianWork * 1.2);
  let clock = 0;
  const tasks: TaskSpec[] = [];
  for (let i = 0; i < count; i++) {
    clock += -Math.log(1 - rnd()) / rate(waveLoad(clock));
    const kind = pick(rnd, kinds);
    const priority = pick(rnd, PRIORITY_MIX);
    const work = runTime(rnd, medianWork, 5, 600);
    const deadline = deadlineFor(rnd, priority, clock, work);
    const repo = rnd() < 0.3 ? `repo-${Math.floor(rnd() * 12)}` : undefined;
    tasks.push({
      id: `m${String(i).padStart(5, '0')}`,
      arrival: Math.round(clock * 1000) / 1000,
      priority,
      requires: kind.requires,
      resources: { cpu: kind.cpu, memoryMb: kind.memoryMb },
      work,
      ...(deadline !== undefined ? { deadline } : {}),
      ...(repo !== undefined ? { affinityKey: repo } : {}),
      ...(rnd() < 0.2 ? { prefers: { 'region=eu': 5 } } : {}),
    });
  }
  return { name: 'mixed', agents, tasks, dimension: 'slots' };
}

/**
 * Three GPU clusters of different shapes (issue #27): 16-GPU boxes rich in memory,
 * 8-GPU boxes rich in CPU, 4-GPU boxes lean in both. Jobs of 1–8 GPUs whose CPU
 * and memory are not in proportion to their GPUs, beside CPU-only jobs and
 * high-memory jobs, so GPUs do not always bind. A backlog at the start, then
 * arrivals in bursts; production work (high, with start-by deadlines) beside
 * experiments (normal and low).
 */
export function clustersWorkload(seed: number, count: number): Workload {
  const rnd = random(seed);
  const agents = fleet([
    { class: 'gpu16', count: 2, spec: { capabilities: ['cuda'], capacity: { slots: 20, cpu: 96, gpu: 16, memoryMb: 2_048_000 }, weight: 1, labels: { cluster: 'a' } } },
    { class: 'gpu8', count: 4, spec: { capabilities: ['cuda'], capacity: { slots: 12, cpu: 128, gpu: 8, memoryMb: 1_024_000 }, weight: 1, labels: { cluster: 'b' } } },
    { class: 'gpu4', count: 6, spec: { capabilities: ['cuda'], capacity: { slots: 6, cpu: 32, gpu: 4, memoryMb: 256_000 }, weight: 1, labels: { cluster: 'c' } } },
  ]);
  const totalGpu = agents.reduce((sum, a) => sum + a.capacity.gpu, 0);
  const gpuMix: readonly (readonly [number, number])[] = [
    [1, 35],
    [2, 30],
    [4, 20],
    [8, 15],
  ];
  type Kind = 'gpu' | 'cpu-only' | 'high-memory';
  const kinds: readonly (readonly [Kind, number])[] = [
    ['gpu', 80],
    ['cpu-only', 12],
    ['high-memory', 8],
  ];
  const meanGpu = 0.8 * (gpuMix.reduce((s, [g, w]) => s + g * w, 0) / gpuMix.reduce((s, [, w]) => s + w, 0)) + 0.08 * 1.5;
  const medianWork = 120;
  // GPU-seconds offered per second at 1.2 × the fleet's GPUs on average, in bursts every 5 minutes.
  const rate = (t: number): number => (1.2 * totalGpu) / (meanGpu * medianWork * 1.2) * (t % 300 < 60 ? 3 : 0.5);
  const backlog = Math.floor(count * 0.2);
  let clock = 0;
  const tasks: TaskSpec[] = [];
  for (let i = 0; i < count; i++) {
    if (i >= backlog) clock += -Math.log(1 - rnd()) / rate(clock);
    const kind = pick(rnd, kinds);
    const production = rnd() < 0.3;
    const priority: Priority = production ? 'high' : rnd() < 0.6 ? 'normal' : 'low';
    const work = runTime(rnd, medianWork, 20, 900);
    let resources: Resources;
    if (kind === 'cpu-only') resources = { gpu: 0, cpu: 8 + Math.floor(rnd() * 25), memoryMb: 32_000 + Math.floor(rnd() * 96) * 1_000 };
    else if (kind === 'high-memory') {
      const gpu = rnd() < 0.5 ? 1 : 2;
      resources = { gpu, cpu: gpu * 4, memoryMb: 400_000 + Math.floor(rnd() * 300) * 1_000 };
    } else {
      const gpu = pick(rnd, gpuMix);
      resources = { gpu, cpu: gpu * (2 + Math.floor(rnd() * 7)), memoryMb: gpu * (16 + Math.floor(rnd() * 81)) * 1_000 };
    }
    const deadline = production ? Math.round(clock + 300 + rnd() * 600) : undefined;
    tasks.push({
      id: `c${String(i).padStart(5, '0')}`,
      arrival: Math.round(clock * 1000) / 1000,
      priority,
      requires: ['cuda'],
      resources,
      work,
      ...(deadline !== undefined ? { deadline } : {}),
    });
  }
  return { name: 'clusters', agents, tasks, dimension: 'gpu' };
}

export const WORKLOADS = { gpu: gpuWorkload, mixed: mixedWorkload, clusters: clustersWorkload } as const;
export type WorkloadName = keyof typeof WORKLOADS;

/**
 * The `--live` report: a recorded run (live.ts gathers it; `--records FILE`
 * keeps it, `--judge FILE` prints it again) judged on the server's records
 * (live-judge.ts), next to the sim on the same tasks with the policy on the
 * server's clock (the server ages and promotes in real seconds, which are
 * 1/timeScale workload seconds) and to `--sim` as it prints for these tasks.
 */
import { percentiles } from '../../shared/domain/stats.js';
import { schedulingConfig, type SchedulingConfig } from '../../shared/domain/scheduling/config.js';
import { TOPOLOGY } from '../../shared/topology/topology.js';
import { countInversions, idleAgentTasks, inWorkloadTime, type LeaseCall, type ServerTask } from './live-judge.js';
import { measure, type Metrics } from './metrics.js';
import { table } from './report.js';
import { knobsTimes } from './knobs.js';
import { simulatePolicy, simulateReference } from './sim.js';
import { WORKLOADS } from './workload.js';

/** Everything a live run leaves to judge; JSON as it stands. */
export interface LiveRun {
  readonly seed: number;
  /** The workload's name (`gpu` when absent: runs recorded before the clusters scenario). */
  readonly workload?: 'gpu' | 'clusters';
  readonly taskCount: number;
  readonly timeScale: number;
  /** The server ran the pool's scheduling knobs × timeScale (on the workload's clock); absent or false: in real seconds (runs recorded before). */
  readonly knobsScaled?: boolean;
  /** Epoch ms of workload second 0. */
  readonly wall0: number;
  readonly tasks: readonly ServerTask[];
  readonly calls: readonly LeaseCall[];
  /** Bench task id → performance.now() when its POST answered, and when the lease bringing it answered. */
  readonly submitted: Readonly<Record<string, number>>;
  readonly leased: Readonly<Record<string, number>>;
  /** Tasks not COMPLETED at the end, by status. */
  readonly notCompleted: Readonly<Record<string, number>>;
  readonly refused: readonly string[];
  readonly deadLetters: number;
}

/** What a lease call reads of the ready set: the top 8 of each of 16 shards (services/agents.ts, domain/dispatch.ts). */
const SERVER_TOP_K = 8 * 16;
/** How many orders of asking agents the sim is run with, next to the live run. */
const SIM_ORDERS = 10;

/** The knobs of the pool the bench's tasks go to (`cuda`: gpu), as the pools file has them. */
export function poolKnobs(): SchedulingConfig {
  return schedulingConfig(TOPOLOGY.pools.find((p) => p.name === 'gpu')?.scheduling);
}

export function reportLive(run: LiveRun): void {
  const workload = WORKLOADS[run.workload ?? 'gpu'](run.seed, run.taskCount);
  const scale = run.timeScale;
  // The knobs the server ran with, in real seconds: the judge reads the server's times.
  const config = run.knobsScaled === true ? knobsTimes(poolKnobs(), scale) : poolKnobs();
  const asRun = inWorkloadTime(workload, run.tasks, run.wall0, scale);
  const live = measure(asRun.workload, asRun.placements, countInversions(run.tasks, run.calls, workload.agents, config), asRun.leftUnrun);
  const latencies = [...idleAgentTasks(run.tasks, workload.agents)].flatMap((id) => {
    const from = run.submitted[id];
    const to = run.leased[id];
    return from === undefined || to === undefined ? [] : [Math.max(0, to - from)];
  });
  // The sim's figures move with the order in which agents happen to ask (ties between
  // equally good choices), as the live run's do with timing: a range, not one draw.
  const sims = Array.from({ length: SIM_ORDERS }, (_, i) => simulatePolicy(workload, { seed: run.seed + i, topK: SERVER_TOP_K, config: knobsTimes(config, 1 / scale) }));
  const plain = simulatePolicy(workload, { seed: run.seed, topK: 200 });
  const reference = simulateReference(workload);
  const lat = percentiles(latencies);
  const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
  const share = (m: Metrics): number => (m.deadlines.feasible === 0 ? 1 : m.deadlines.met / m.deadlines.feasible);
  const spread = (f: (m: Metrics) => number, show: (x: number) => string): string => {
    const xs = sims.map(f);
    const [mean, low, high] = [show(xs.reduce((a, b) => a + b, 0) / xs.length), show(Math.min(...xs)), show(Math.max(...xs))];
    return low === high ? mean : `${mean} (${low} – ${high})`;
  };
  const row = (name: string, f: (m: Metrics) => number, show: (x: number) => string, target: string): string[] => [name, show(f(live)), spread(f, show), show(f(plain)), show(f(reference)), target];
  const count = (x: number): string => String(Math.round(x));
  const status = Object.entries(run.notCompleted);
  const knobs = run.knobsScaled === true ? `the pool's scheduling knobs × ${scale} (on the workload's clock)` : `the pool's scheduling knobs in real seconds (× ${1 / scale} on the workload's clock)`;
  console.log(`\nlive ${workload.name} fleet — ${workload.agents.length} SDK workers over HTTP, ${workload.tasks.length} tasks, seed ${run.seed}, time × ${scale}, ${knobs}`);
  console.log(
    table(
      ['metric', 'live', `sim, server's knobs: mean (range, ${SIM_ORDERS} orders)`, 'sim (--sim)', 'greedy reference (sim)', 'target'],
      [
        row('utilisation while a backlog exists', (m) => m.utilisation, pct, '≥ 90 %'),
        row('load CV across equal agents (worst class)', (m) => m.loadCv, (x) => x.toFixed(3), '< 0.10'),
        row('priority inversions beyond aging', (m) => m.inversions, count, '0'),
        row('overcommits (a start past an agent\'s room)', (m) => m.overcommits, count, '0'),
        row('deadlines met where feasible', share, pct, '≥ 98 %'),
        row('completed', (m) => m.completed, (x) => `${count(x)}/${workload.tasks.length}`, 'all'),
        ['not completed, by status', status.map(([s, n]) => `${s} ${n}`).join(', ') || 'none', '', '', '', 'none'],
        ['stranded (PENDING at the end)', String(run.notCompleted.PENDING ?? 0), '', '', '', '0'],
        ['refused at submit', String(run.refused.length), '', '', '', '0'],
        ['dead-lettered without failing', String(run.deadLetters), '', '', '', '0'],
        ['lease latency, idle agent, p50', lat === undefined ? 'n/a' : `${lat.p50.toFixed(0)} ms`, '', '', '', '< 50 ms'],
        ['lease latency, idle agent, p95', lat === undefined ? 'n/a' : `${lat.p95.toFixed(0)} ms`, '', '', '', ''],
        ['lease latency, idle agent, p99', lat === undefined ? 'n/a' : `${lat.p99.toFixed(0)} ms (${latencies.length} tasks)`, '', '', '', ''],
      ],
    ),
  );
  console.log(`load CV per class (live): ${Object.entries(live.cvByClass).map(([c, v]) => `${c} ${v.toFixed(3)}`).join(', ')}`);
  for (const line of run.refused.slice(0, 5)) console.log(`note: ${line}`);
}

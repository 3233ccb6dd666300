/** The priority bench's figures (bench/priorities.ts): pure, from task summaries. */
import type { Priority } from '../shared/domain/priority.js';
import { percentiles, type Percentiles } from '../shared/domain/stats.js';
import type { TaskSummary } from '../shared/ports/task-queries.js';

/** The issue #30 targets the report marks. */
export const PRIORITY_TARGETS = {
  criticalP95Ms: 1_000,
  /** Share started within the (compressed) SLA, for critical and high. */
  slaShare: 0.99,
  idleP50Ms: 50,
  idleP99Ms: 250,
} as const;

export interface DispatchFigures {
  readonly tasks: number;
  /** Tasks that had not started when the bench stopped waiting. */
  readonly unstarted: number;
  readonly ms?: Percentiles;
}

export interface PriorityRun {
  readonly backlog: number;
  readonly sleepMs: number;
  readonly urgentEveryMs: number;
  readonly compress: number;
  readonly sla: Readonly<Record<Priority, number>>;
  readonly submitSeconds: number;
  readonly drainSeconds: number;
  readonly peakBacklog: number;
  readonly load: { readonly start: number; readonly end: number; readonly cores: number };
  readonly idle: { readonly lambda: DispatchFigures; readonly agent: DispatchFigures };
  readonly tasks: readonly TaskSummary[];
}

/** created → started, ms; undefined for a task not started. */
export const queueTimeMs = (t: Pick<TaskSummary, 'createdAt' | 'startedAt'>): number | undefined =>
  t.startedAt === undefined ? undefined : Date.parse(t.startedAt) - Date.parse(t.createdAt);

export function dispatchFigures(tasks: readonly TaskSummary[]): DispatchFigures {
  const times = tasks.flatMap((t) => queueTimeMs(t) ?? []);
  const ms = percentiles(times);
  return { tasks: tasks.length, unstarted: tasks.length - times.length, ...(ms !== undefined ? { ms } : {}) };
}

export interface PriorityFigures {
  readonly priority: Priority;
  readonly tasks: number;
  readonly slaMs: number;
  readonly ms?: Percentiles;
  /** Started within `slaMs`, over all its tasks (one never started counts as missed). */
  readonly withinSla: number;
}

/** Per priority: queue-time percentiles and the share started within its SLA ÷ `compress`. */
export function priorityFigures(tasks: readonly TaskSummary[], priority: Priority, slaSeconds: number, compress: number): PriorityFigures {
  const mine = tasks.filter((t) => t.priority === priority);
  const slaMs = (slaSeconds * 1000) / compress;
  const times = mine.flatMap((t) => queueTimeMs(t) ?? []);
  const ms = percentiles(times);
  return { priority, tasks: mine.length, slaMs, withinSla: mine.length === 0 ? 1 : times.filter((v) => v <= slaMs).length / mine.length, ...(ms !== undefined ? { ms } : {}) };
}

const cell = (v: number | undefined, width = 7): string => (v === undefined ? '-' : String(Math.round(v))).padStart(width);
const mark = (ok: boolean): string => (ok ? 'met' : 'MISSED');
const seconds = (ms: number): string => (ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`);

export function printPriorityReport(run: PriorityRun, priorities: readonly Priority[]): void {
  const rows = priorities.map((p) => priorityFigures(run.tasks, p, run.sla[p], run.compress));
  const urgent = run.tasks.filter((t) => t.priority === 'critical' || t.priority === 'high').length;
  console.log(`\ntaskfleet priority bench — local stack (fauxqs + DynamoDB Local), Node ${process.version}, load average ${run.load.start.toFixed(1)} → ${run.load.end.toFixed(1)} on ${run.load.cores} cores`);
  console.log(
    `  under load: ${run.backlog} normal + low sleep(${run.sleepMs} ms) tasks submitted in ${run.submitSeconds.toFixed(1)} s (POST /tasks/batch), drained in ${run.drainSeconds.toFixed(1)} s (peak ${run.peakBacklog} queued);` +
      ` meanwhile ${urgent} critical or high echo tasks, one every ${Math.round((run.drainSeconds * 1000) / Math.max(1, urgent))} ms (aimed at ${run.urgentEveryMs}; POST /tasks, one at a time); SLA ÷ ${run.compress}`,
  );
  console.log('  queue time (created → started), ms');
  console.log('  priority    tasks      p50      p95      p99     SLA   within SLA');
  for (const r of rows) {
    console.log(`  ${r.priority.padEnd(9)} ${cell(r.tasks)}  ${cell(r.ms?.p50)}  ${cell(r.ms?.p95)}  ${cell(r.ms?.p99)}  ${seconds(r.slaMs).padStart(6)}  ${(r.withinSla * 100).toFixed(1).padStart(9)} %`);
  }
  console.log('\n  idle dispatch (one task every 200 ms on an idle stack; created → started), ms');
  console.log('  pool                                    tasks      p50      p95      p99   not started');
  const idleRow = (name: string, f: DispatchFigures): void =>
    console.log(`  ${name.padEnd(38)} ${cell(f.tasks)}  ${cell(f.ms?.p50)}  ${cell(f.ms?.p95)}  ${cell(f.ms?.p99)}  ${cell(f.unstarted, 12)}`);
  idleRow('general (Lambda workers, SQS)', run.idle.lambda);
  idleRow('shell (agent pool, SDK agent lease)', run.idle.agent);

  const critical = rows.find((r) => r.priority === 'critical');
  const slaOk = rows.filter((r) => r.priority === 'critical' || r.priority === 'high').every((r) => r.withinSla >= PRIORITY_TARGETS.slaShare);
  const idleOk = [run.idle.lambda, run.idle.agent].every((f) => f.unstarted === 0 && (f.ms?.p50 ?? Infinity) <= PRIORITY_TARGETS.idleP50Ms && (f.ms?.p99 ?? Infinity) <= PRIORITY_TARGETS.idleP99Ms);
  console.log(
    `\n  targets (issue #30): critical p95 ≤ ${PRIORITY_TARGETS.criticalP95Ms} ms while ≥ 2,000 drain ${mark((critical?.ms?.p95 ?? Infinity) <= PRIORITY_TARGETS.criticalP95Ms && run.backlog >= 2000)}, ` +
      `critical and high ≥ ${PRIORITY_TARGETS.slaShare * 100} % within SLA ${mark(slaOk)}, idle dispatch p50 ≤ ${PRIORITY_TARGETS.idleP50Ms} ms and p99 ≤ ${PRIORITY_TARGETS.idleP99Ms} ms on both pools ${mark(idleOk)}`,
  );
}

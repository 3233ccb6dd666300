import type { Task } from './task.js';

type TaskSummary = Pick<Task, 'createdAt'> & Partial<Pick<Task, 'startedAt' | 'finishedAt'>>;

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** Nearest-rank percentiles; undefined for no values. */
export function percentiles(values: readonly number[]): Percentiles | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  return { p50: at(50), p95: at(95), p99: at(99) };
}

export interface RecentActivity {
  /** Tasks in the sample. */
  readonly sampled: number;
  /** Tasks finished per second over the last `windowSeconds`. */
  readonly throughputPerSecond: number;
  readonly windowSeconds: number;
  /** createdAt → startedAt of the sampled tasks that started, in ms. */
  readonly queueTimeMs?: Percentiles;
}

/** Throughput and queue-time percentiles over a sample of the most recent tasks. */
export function summarizeRecent(tasks: readonly TaskSummary[], now: Date, windowSeconds = 60): RecentActivity {
  const since = now.getTime() - windowSeconds * 1000;
  const finished = tasks.filter((t) => t.finishedAt !== undefined && Date.parse(t.finishedAt) >= since).length;
  const queueTimes = tasks.flatMap((t) => (t.startedAt === undefined ? [] : [Date.parse(t.startedAt) - Date.parse(t.createdAt)]));
  const queueTimeMs = percentiles(queueTimes);
  return {
    sampled: tasks.length,
    throughputPerSecond: Math.round((finished / windowSeconds) * 100) / 100,
    windowSeconds,
    ...(queueTimeMs !== undefined ? { queueTimeMs } : {}),
  };
}

import { PRIORITIES, type Priority } from './priority.js';
import { histogramCount, histogramPercentiles, mergeHistograms, bucketOf, type Histogram } from './queue-time-histogram.js';
import type { Percentiles } from './stats.js';
import type { Task } from './task.js';

/**
 * What one minute of a tenant's task changes adds up to: the figures `/stats` and the
 * dashboard's charts read, instead of reading task history. Every field is a sum, so
 * deltas from many stream batches merge by addition (DynamoDB `ADD`).
 */
export interface MinuteCounts {
  readonly completed: number;
  readonly failed: number;
  /** Attempts that ended and went back to wait for another (ACTIVE → PENDING). */
  readonly retried: number;
  /** Started tasks with a deadline: started by it, and expired unstarted. */
  readonly deadlinesMet: number;
  readonly deadlinesMissed: number;
  /** Queue time (ready → started) of the attempts that started this minute, per priority. */
  readonly queueTime: Partial<Record<Priority, Histogram>>;
  /** Net change of PENDING tasks per priority this minute: depth per priority is read back from it. */
  readonly waiting: Partial<Record<Priority, number>>;
}

/** One minute of the series: the minute's start (ISO, to the minute) and its sums. */
export interface MinuteAggregate extends MinuteCounts {
  readonly minute: string;
}

/** What a change needs of a task record. */
export type AggregatedTask = Pick<Task, 'tenant' | 'status' | 'priority' | 'createdAt' | 'updatedAt'> &
  Partial<Pick<Task, 'startedAt' | 'finishedAt' | 'availableAt' | 'deadline' | 'ready'>>;

export interface AggregatedChange {
  readonly before?: AggregatedTask;
  readonly after?: AggregatedTask;
}

/** tenant → minute → counts. */
export type MinuteDeltas = Map<string, Map<string, MinuteCounts>>;

export const EMPTY_MINUTE: MinuteCounts = { completed: 0, failed: 0, retried: 0, deadlinesMet: 0, deadlinesMissed: 0, queueTime: {}, waiting: {} };

/** The minute an instant falls in, as the aggregates key it: `2026-12-06T23:15`. */
export const minuteOf = (iso: string | Date): string => (typeof iso === 'string' ? new Date(iso) : iso).toISOString().slice(0, 16);

/**
 * When an attempt became ready to start: created, or later when a delay or a retry's
 * backoff held it (`availableAt`), or when it re-entered an agent pool's ready set.
 */
function readySince(before: AggregatedTask | undefined, after: AggregatedTask): number {
  const times = [after.createdAt, before?.availableAt, before?.ready?.since].flatMap((t) => (t === undefined ? [] : [Date.parse(t)]));
  return Math.max(...times);
}

/**
 * Folds a batch of task changes (as the table's stream shows them) into per-tenant,
 * per-minute sums. Pure: the minute of a change is its new image's `updatedAt` (the
 * write's own clock), so a batch delivered again yields the same deltas.
 */
export function minuteDeltas(changes: readonly AggregatedChange[], now: Date): MinuteDeltas {
  const out: MinuteDeltas = new Map();
  const bump = (tenant: string, minute: string, change: (m: MinuteCounts) => MinuteCounts): void => {
    const minutes = out.get(tenant) ?? new Map<string, MinuteCounts>();
    minutes.set(minute, change(minutes.get(minute) ?? EMPTY_MINUTE));
    out.set(tenant, minutes);
  };
  for (const { before, after } of changes) {
    if (before?.status === after?.status) continue;
    const task = after ?? before;
    if (task === undefined) continue;
    const minute = minuteOf(after?.updatedAt ?? now);
    const wait = (before?.status === 'PENDING' ? -1 : 0) + (after?.status === 'PENDING' ? 1 : 0);
    if (wait !== 0) bump(task.tenant, minute, (m) => ({ ...m, waiting: { ...m.waiting, [task.priority]: (m.waiting[task.priority] ?? 0) + wait } }));
    if (after === undefined) continue;
    if (after.status === 'COMPLETED') bump(after.tenant, minute, (m) => ({ ...m, completed: m.completed + 1 }));
    if (after.status === 'FAILED') bump(after.tenant, minute, (m) => ({ ...m, failed: m.failed + 1 }));
    if (before?.status === 'ACTIVE' && after.status === 'PENDING') bump(after.tenant, minute, (m) => ({ ...m, retried: m.retried + 1 }));
    if (after.status === 'EXPIRED' && after.deadline !== undefined && after.startedAt === undefined) bump(after.tenant, minute, (m) => ({ ...m, deadlinesMissed: m.deadlinesMissed + 1 }));
    if (after.status === 'ACTIVE' && after.startedAt !== undefined && (before === undefined || before.status === 'PENDING')) {
      const bucket = bucketOf(Date.parse(after.startedAt) - readySince(before, after));
      const startedMinute = minuteOf(after.startedAt);
      const inTime = after.deadline !== undefined && Date.parse(after.startedAt) <= Date.parse(after.deadline);
      const late = after.deadline !== undefined && !inTime;
      bump(after.tenant, startedMinute, (m) => {
        const histogram = m.queueTime[after.priority] ?? {};
        return {
          ...m,
          deadlinesMet: m.deadlinesMet + (inTime ? 1 : 0),
          deadlinesMissed: m.deadlinesMissed + (late ? 1 : 0),
          queueTime: { ...m.queueTime, [after.priority]: { ...histogram, [bucket]: (histogram[bucket] ?? 0) + 1 } },
        };
      });
    }
  }
  return out;
}

/** Minutes of the same key (a minute's shards) merged into one. */
export function mergeMinutes(minutes: readonly MinuteCounts[]): MinuteCounts {
  const sum = (pick: (m: MinuteCounts) => number): number => minutes.reduce((n, m) => n + pick(m), 0);
  const queueTime: Partial<Record<Priority, Histogram>> = {};
  const waiting: Partial<Record<Priority, number>> = {};
  for (const p of PRIORITIES) {
    const hs = minutes.flatMap((m) => (m.queueTime[p] !== undefined ? [m.queueTime[p]] : []));
    if (hs.length > 0) queueTime[p] = mergeHistograms(hs);
    const w = sum((m) => m.waiting[p] ?? 0);
    if (w !== 0) waiting[p] = w;
  }
  return {
    completed: sum((m) => m.completed),
    failed: sum((m) => m.failed),
    retried: sum((m) => m.retried),
    deadlinesMet: sum((m) => m.deadlinesMet),
    deadlinesMissed: sum((m) => m.deadlinesMissed),
    queueTime,
    waiting,
  };
}

/** The recent figures of /stats, over the minutes in the window (the current, partial minute included). */
export interface RecentFigures {
  readonly windowSeconds: number;
  readonly completed: number;
  readonly failed: number;
  readonly retried: number;
  /** Tasks finished (completed or failed) per second over the window. */
  readonly throughputPerSecond: number;
  /** Queue time of the attempts that started in the window, all priorities. */
  readonly queueTimeMs?: Percentiles;
  readonly queueTimeByPriority: Partial<Record<Priority, Percentiles>>;
  /** Started tasks with a deadline in the window, and how many started in time. */
  readonly deadlines: { readonly decided: number; readonly met: number; readonly share: number };
}

export function recentFigures(minutes: readonly MinuteAggregate[], now: Date, windowMinutes: number): RecentFigures {
  const from = minuteOf(new Date(now.getTime() - (windowMinutes - 1) * 60_000));
  const m = mergeMinutes(minutes.filter((x) => x.minute >= from));
  // The current minute is partial: the window runs from its first minute's start to now.
  const seconds = Math.max(1, (now.getTime() - Date.parse(`${from}:00Z`)) / 1000);
  const byPriority: Partial<Record<Priority, Percentiles>> = {};
  for (const p of PRIORITIES) {
    const q = m.queueTime[p] !== undefined ? histogramPercentiles(m.queueTime[p]) : undefined;
    if (q !== undefined) byPriority[p] = q;
  }
  const all = histogramPercentiles(mergeHistograms(Object.values(m.queueTime)));
  const decided = m.deadlinesMet + m.deadlinesMissed;
  return {
    windowSeconds: Math.round(seconds),
    completed: m.completed,
    failed: m.failed,
    retried: m.retried,
    throughputPerSecond: Math.round(((m.completed + m.failed) / seconds) * 100) / 100,
    ...(all !== undefined ? { queueTimeMs: all } : {}),
    queueTimeByPriority: byPriority,
    deadlines: { decided, met: m.deadlinesMet, share: decided === 0 ? 1 : Math.round((m.deadlinesMet / decided) * 1000) / 1000 },
  };
}

/** One point of the charts' series: a minute's sums, its queue-time percentiles and the depth at its end, per priority. */
export interface SeriesPoint {
  readonly minute: string;
  readonly completed: number;
  readonly failed: number;
  readonly retried: number;
  readonly queueTimeMs: Partial<Record<Priority, Percentiles & { readonly count: number }>>;
  readonly depth: Readonly<Record<Priority, number>>;
}

/**
 * Every minute of the window, oldest first (a minute with no item is zeros), with the
 * PENDING depth per priority at each minute's end: today's depth (`waitingNow`) less
 * the net changes of the minutes after it.
 */
export function seriesOf(minutes: readonly MinuteAggregate[], waitingNow: Readonly<Record<Priority, number>>, now: Date, windowMinutes: number): SeriesPoint[] {
  const byMinute = new Map<string, MinuteCounts[]>();
  for (const m of minutes) byMinute.set(m.minute, [...(byMinute.get(m.minute) ?? []), m]);
  const points: SeriesPoint[] = [];
  const depth: Record<Priority, number> = { ...waitingNow };
  for (let i = 0; i < windowMinutes; i++) {
    const minute = minuteOf(new Date(now.getTime() - i * 60_000));
    const m = mergeMinutes(byMinute.get(minute) ?? []);
    const queueTimeMs: Partial<Record<Priority, Percentiles & { count: number }>> = {};
    for (const p of PRIORITIES) {
      const h = m.queueTime[p];
      const q = h !== undefined ? histogramPercentiles(h) : undefined;
      if (h !== undefined && q !== undefined) queueTimeMs[p] = { ...q, count: histogramCount(h) };
    }
    points.push({ minute, completed: m.completed, failed: m.failed, retried: m.retried, queueTimeMs, depth: Object.fromEntries(PRIORITIES.map((p) => [p, Math.max(0, depth[p])])) as Record<Priority, number> });
    for (const p of PRIORITIES) depth[p] -= m.waiting[p] ?? 0;
  }
  return points.reverse();
}

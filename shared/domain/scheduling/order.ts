import { PRIORITIES, priorityRank, type Priority } from '../priority.js';
import { DEFAULT_SCHEDULING_CONFIG, type SchedulingConfig } from './config.js';
import type { Candidate } from './types.js';

/**
 * The order of the ready set: strict priority with aging (a task waiting past its
 * priority's max wait is served as one level higher, never more), earliest
 * deadline first within an effective priority, then first in, first out.
 */

/**
 * 0 = served first. A task moves up one level (never more) when it has waited
 * past its priority's max wait (aging) or when it is due (`urgent`: its
 * deadline is inside the horizon), so neither starvation nor a near deadline
 * waits behind a stream of fresher work of the next level.
 */
export function effectiveRank(priority: Priority, waitedSeconds: number, maxWaitSeconds = DEFAULT_SCHEDULING_CONFIG.maxWaitSeconds, urgent = false): number {
  const rank = priorityRank(priority);
  return waitedSeconds > maxWaitSeconds[priority] || urgent ? Math.max(0, rank - 1) : rank;
}

/** The effective rank of a candidate at `now`: its priority, one level up when aged or due. */
export function candidateRank(candidate: Pick<Candidate, 'priority' | 'enqueuedAt' | 'deadline'>, now: Date, config: SchedulingConfig = DEFAULT_SCHEDULING_CONFIG): number {
  const urgent = candidate.deadline !== undefined && Date.parse(candidate.deadline) - now.getTime() <= config.deadlineHorizonSeconds * 1000;
  return effectiveRank(candidate.priority, (now.getTime() - Date.parse(candidate.enqueuedAt)) / 1000, config.maxWaitSeconds, urgent);
}

const deadlineMs = (candidate: Pick<Candidate, 'deadline'>): number => (candidate.deadline === undefined ? Infinity : Date.parse(candidate.deadline));

type ReadyKey = readonly [rank: number, deadline: number, enqueued: number, id: string];

function readyKey(c: Candidate, now: Date, config: SchedulingConfig): ReadyKey {
  return [candidateRank(c, now, config), deadlineMs(c), Date.parse(c.enqueuedAt), c.id];
}

function compareKeys(a: ReadyKey, b: ReadyKey): number {
  // Not a[1] - b[1]: two undated tasks are Infinity - Infinity = NaN.
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1;
  return a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : 0;
}

/** The candidates in ready-set order at `now` (each key computed once). */
export function readyOrder(candidates: readonly Candidate[], now: Date, config: SchedulingConfig = DEFAULT_SCHEDULING_CONFIG): Candidate[] {
  return candidates
    .map((c) => ({ c, key: readyKey(c, now, config) }))
    .sort((a, b) => compareKeys(a.key, b.key))
    .map(({ c }) => c);
}

/**
 * How far behind `critical` each priority starts in virtual time: the max waits
 * of the levels in between, so a task that has aged one level has caught up
 * with fresh tasks of that level (with the defaults: critical 0, high 60 s,
 * normal 180 s, low 480 s).
 */
export function priorityOffsetsMs(maxWaitSeconds: Readonly<Record<Priority, number>>): Record<Priority, number> {
  let offset = 0;
  const offsets = {} as Record<Priority, number>;
  PRIORITIES.forEach((priority, rank) => {
    if (rank > 0) offset += maxWaitSeconds[priority] * 1000;
    offsets[priority] = offset;
  });
  return offsets;
}

/** Digits of a virtual time in ms: up to year 33658, so keys of any real date have one width. */
const KEY_DIGITS = 15;

/**
 * The sort key of a ready-set entry, for a DynamoDB index whose ascending query
 * returns the candidates to look at first. Written once when the task enters the
 * ready set and never rewritten, because aging is built into it:
 *
 *   virtual = min(enqueuedAt + offset[priority], deadline − deadlineHorizon)
 *   key     = virtual in ms, zero-padded to 15 digits, "#", task id
 *
 * A `normal` task enqueued at t sorts with `high` tasks enqueued at t + 120 s:
 * once it has waited its max wait it is ahead of every fresh `high`, as aging
 * says. Unlike the exact rule it keeps rising past one level, so the key only
 * chooses which candidates are read; the policy's `order` ranks them exactly.
 * A deadline pulls the key to (deadline − horizon), so work that is due surfaces
 * at the top of its shard in time. Fixed width keeps lexical order = numeric
 * order; the id breaks ties and keeps keys unique.
 */
export function readySortKey(
  candidate: Pick<Candidate, 'id' | 'priority' | 'enqueuedAt' | 'deadline'>,
  config: Pick<SchedulingConfig, 'maxWaitSeconds' | 'deadlineHorizonSeconds'> = DEFAULT_SCHEDULING_CONFIG,
): string {
  const byPriority = Date.parse(candidate.enqueuedAt) + priorityOffsetsMs(config.maxWaitSeconds)[candidate.priority];
  const byDeadline = candidate.deadline === undefined ? Infinity : Date.parse(candidate.deadline) - config.deadlineHorizonSeconds * 1000;
  const virtual = Math.max(0, Math.min(byPriority, byDeadline, 10 ** KEY_DIGITS - 1));
  return `${String(Math.floor(virtual)).padStart(KEY_DIGITS, '0')}#${candidate.id}`;
}

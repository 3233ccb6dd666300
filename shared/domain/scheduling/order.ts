import { priorityRank, type Priority } from '../priority.js';
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

/** Digits of a time in ms: up to year 33658, so keys of any real date have one width. */
const KEY_DIGITS = 15;

/**
 * The best effective rank a task can reach: aging and a due deadline each lift
 * it one level, never more (`effectiveRank`), so `critical` and `high` share
 * level 0, `normal` is 1, `low` 2.
 */
function reachableRank(priority: Priority): number {
  return Math.max(0, priorityRank(priority) - 1);
}

/**
 * When a task reaches its `reachableRank`: at once for `critical`, else when it
 * has waited its priority's max wait or becomes due (deadline − horizon),
 * whichever comes first.
 */
function reachesAt(candidate: Pick<Candidate, 'priority' | 'enqueuedAt' | 'deadline'>, config: Pick<SchedulingConfig, 'maxWaitSeconds' | 'deadlineHorizonSeconds'>): number {
  const enqueued = Date.parse(candidate.enqueuedAt);
  if (priorityRank(candidate.priority) === 0) return enqueued;
  const aged = enqueued + config.maxWaitSeconds[candidate.priority] * 1000;
  const due = candidate.deadline === undefined ? Infinity : Date.parse(candidate.deadline) - config.deadlineHorizonSeconds * 1000;
  return Math.min(aged, due);
}

/**
 * The sort key of a ready-set entry, for a DynamoDB index whose ascending query
 * returns the candidates to look at first. Written once when the task enters the
 * ready set and never rewritten, so the ranks a task will have are built in:
 *
 *   key = reachableRank  "#"  reachesAt in ms, zero-padded to 15 digits  "#"  task id
 *
 * The level comes first because aging stops at one level: a `normal` task that
 * waited an hour is served as `high`, never as `critical`, so it must not sort
 * ahead of a `high` task that became due a minute ago (served as `critical`).
 * A time-only key (enqueuedAt + per-priority offset) kept rising past that one
 * level, and with a backlog deeper than the read window (the top 8 of each of 16
 * shards) its aged tasks filled the window: due production work stayed unread
 * until it expired, and agents started lower ranks in front of it. With the
 * level first, a task outside the window never has a better rank than one inside
 * it (one shard's head aside): a task of a lower level can reach at best the
 * rank a higher level's task starts at, and within a level, a task that has
 * reached the level's rank sorts ahead of one that has not yet. Within a level
 * tasks sort by when they reached it, so a `high` task that aged (or became due)
 * lines up behind the `critical` work already there. The policy's `order` ranks
 * what was read exactly. Fixed width keeps lexical order = numeric order; the id
 * breaks ties and keeps keys unique.
 */
export function readySortKey(
  candidate: Pick<Candidate, 'id' | 'priority' | 'enqueuedAt' | 'deadline'>,
  config: Pick<SchedulingConfig, 'maxWaitSeconds' | 'deadlineHorizonSeconds'> = DEFAULT_SCHEDULING_CONFIG,
): string {
  const at = Math.max(0, Math.min(reachesAt(candidate, config), 10 ** KEY_DIGITS - 1));
  return `${reachableRank(candidate.priority)}#${String(Math.floor(at)).padStart(KEY_DIGITS, '0')}#${candidate.id}`;
}

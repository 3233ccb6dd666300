import type { CircuitStatus } from './circuit-breaker.js';
import type { Job } from './job.js';
import type { Json, Task, TaskError } from './task.js';
import { jsonByteLength } from './limits.js';

/**
 * Events: what changed in a task's or a job's life, derived from the record before
 * and after one write (the table's stream). Pure: the stream consumer decodes
 * the images and calls `eventsOf`; nothing on the write path pays for events.
 *
 * Progress and heartbeats change no status and make no event: they are throttled
 * at their source already, and a caller who wants them polls `GET /tasks/{id}`.
 */
export const EVENT_TYPES = [
  'task.created',
  'task.started',
  'task.retrying',
  'task.completed',
  'task.failed',
  'task.dead_lettered',
  'task.cancelled',
  'task.expired',
  'job.created',
  'job.reducing',
  'job.completed',
  'job.failed',
  'job.cancelled',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Results up to this size ride in the event; a larger one is fetched with `GET /tasks/{id}`. */
export const EVENT_RESULT_MAX_BYTES = 4096;

export interface TaskEventData {
  readonly id: string;
  readonly type: string;
  readonly pool: string;
  readonly priority: string;
  readonly status: string;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly jobId?: string;
  /** The agent or Lambda worker of this attempt (from its start on; kept on a finished task). */
  readonly worker?: string;
  /** From creation to the start of this attempt (task.started). */
  readonly queueTimeMs?: number;
  /** From the start of the last attempt to its end (final events and retries). */
  readonly runTimeMs?: number;
  readonly result?: Json;
  /** true when the result exists but is too large to ride in the event. */
  readonly resultOmitted?: boolean;
  readonly error?: TaskError;
}

export interface JobEventData {
  readonly id: string;
  readonly status: string;
  readonly total: number;
  readonly pool: string;
  readonly priority: string;
  readonly error?: string;
  readonly runTimeMs?: number;
}

export interface TaskfleetEvent {
  /** Stable for one change: a receiver dedupes redeliveries by it. */
  readonly id: string;
  readonly type: EventType;
  readonly tenant: string;
  /** When the change was written. */
  readonly at: string;
  readonly task?: TaskEventData;
  readonly job?: JobEventData;
}

/** One decoded stream record: the kind of item and its images (absent on insert / delete). */
export type RecordChange =
  | { readonly kind: 'task'; readonly old?: Task; readonly new?: Task }
  | { readonly kind: 'job'; readonly old?: Job; readonly new?: Job };

/** Any stream record, decoded: a task's or job's change, a circuit's state change, or an item events ignore. */
export type DecodedRecord =
  | RecordChange
  | { readonly kind: 'circuit'; readonly pool: string; readonly from?: CircuitStatus; readonly to?: CircuitStatus }
  | { readonly kind: 'other' };

/** The events one write makes: none, one, or two (a FAILED task is also dead-lettered). */
export function eventsOf(change: RecordChange): TaskfleetEvent[] {
  return change.kind === 'task' ? taskEvents(change.old, change.new) : jobEvents(change.old, change.new);
}

function taskEvents(old: Task | undefined, now: Task | undefined): TaskfleetEvent[] {
  // A deletion (TTL) is housekeeping, not a change of the task's life.
  if (now === undefined) return [];
  if (old !== undefined && old.status === now.status) return [];
  const types = taskEventTypes(old?.status, now.status);
  return types.map((type) => ({
    id: `${now.id}:${now.revision}:${type}`,
    type,
    tenant: now.tenant,
    at: now.updatedAt,
    task: taskData(type, now),
  }));
}

function taskEventTypes(from: Task['status'] | undefined, to: Task['status']): EventType[] {
  switch (to) {
    case 'PENDING':
      // Back to PENDING from a running attempt: a retry after backoff (or a released lease).
      return from === undefined ? ['task.created'] : from === 'ACTIVE' ? ['task.retrying'] : [];
    case 'ACTIVE':
      return from === undefined ? ['task.created', 'task.started'] : ['task.started'];
    case 'COMPLETED':
      return ['task.completed'];
    // Only a task's own failed attempts fail it, and a failed task is always in its DLQ.
    case 'FAILED':
      return ['task.failed', 'task.dead_lettered'];
    case 'CANCELLED':
      return ['task.cancelled'];
    case 'EXPIRED':
      return ['task.expired'];
  }
}

function taskData(type: EventType, task: Task): TaskEventData {
  const ms = (from?: string, to?: string): number | undefined =>
    from === undefined || to === undefined ? undefined : Math.max(0, Date.parse(to) - Date.parse(from));
  const queueTimeMs = type === 'task.started' ? ms(task.createdAt, task.startedAt) : undefined;
  const ended = type !== 'task.created' && type !== 'task.started' && task.startedAt !== undefined;
  const runTimeMs = ended ? ms(task.startedAt, task.finishedAt ?? task.updatedAt) : undefined;
  const small = task.result !== undefined && jsonByteLength(task.result) <= EVENT_RESULT_MAX_BYTES;
  return {
    id: task.id,
    type: task.type,
    pool: task.pool,
    priority: task.priority,
    status: task.status,
    attempts: task.attempts,
    maxAttempts: task.maxAttempts,
    ...(task.job !== undefined ? { jobId: task.job.id } : {}),
    ...(task.worker !== undefined && type !== 'task.created' ? { worker: task.worker } : {}),
    ...(queueTimeMs !== undefined ? { queueTimeMs } : {}),
    ...(runTimeMs !== undefined ? { runTimeMs } : {}),
    ...(task.result !== undefined && type === 'task.completed' ? (small ? { result: task.result } : { resultOmitted: true }) : {}),
    ...(task.error !== undefined && type !== 'task.started' && type !== 'task.completed' ? { error: task.error } : {}),
  };
}

const JOB_TYPES: Readonly<Record<Job['status'], EventType>> = {
  RUNNING: 'job.created',
  REDUCING: 'job.reducing',
  COMPLETED: 'job.completed',
  FAILED: 'job.failed',
  CANCELLED: 'job.cancelled',
};

function jobEvents(old: Job | undefined, now: Job | undefined): TaskfleetEvent[] {
  if (now === undefined) return [];
  if (old !== undefined && old.status === now.status) return [];
  const type = JOB_TYPES[now.status];
  const finished = now.finishedAt !== undefined ? Math.max(0, Date.parse(now.finishedAt) - Date.parse(now.createdAt)) : undefined;
  return [
    {
      id: `${now.id}:${now.status}:${type}`,
      type,
      tenant: now.tenant,
      at: now.updatedAt,
      job: {
        id: now.id,
        status: now.status,
        total: now.total,
        pool: now.pool,
        priority: now.priority,
        ...(now.error !== undefined ? { error: now.error } : {}),
        ...(finished !== undefined ? { runTimeMs: finished } : {}),
      },
    },
  ];
}

/** Does a subscription to `patterns` (exact types, `task.*`, `*`) want `type`? */
export function matchesEventType(patterns: readonly string[], type: EventType): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

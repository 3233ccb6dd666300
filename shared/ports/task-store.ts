import type { Priority } from '../domain/priority.js';
import type { TaskEvent } from '../domain/state-machine.js';
import type { Task } from '../domain/task.js';
import type { TaskStatus } from '../domain/task-status.js';

export type CreateTaskResult =
  | { readonly created: true; readonly task: Task }
  /** The tenant's idempotencyKey was seen before: the task it created. */
  | { readonly created: false; readonly task: Task };

/** What a list page shows of a task (never the payload or result). */
export type TaskSummary = Pick<
  Task,
  'id' | 'type' | 'status' | 'pool' | 'priority' | 'attempts' | 'maxAttempts' | 'createdAt' | 'updatedAt'
> &
  Partial<Pick<Task, 'startedAt' | 'finishedAt'>>;

export interface ListTasksQuery {
  readonly tenant: string;
  readonly status?: TaskStatus;
  readonly pool?: string;
  readonly limit: number;
  /** Opaque, from the previous page's `nextCursor`. */
  readonly cursor?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

export interface ApplyOptions {
  readonly seen?: Task;
  readonly guard?: (task: Task) => void;
}

/** A task written but not yet confirmed on its queue. */
export interface OutboxEntry {
  readonly id: string;
  readonly tenant: string;
  readonly pool: string;
  readonly priority: Priority;
  readonly delaySeconds: number;
  readonly createdAt: string;
}

/**
 * Where task records live. Every state change goes through `apply`, which an
 * adapter makes atomic (a conditional write), so concurrent callers cannot both
 * win a transition.
 */
export interface TaskStore {
  /**
   * Writes a new PENDING task, and its idempotency key if it has one, in one
   * atomic step; it starts in the outbox. Throws DuplicateTaskIdError when the id
   * is taken (and the key is not a replay).
   */
  create(task: Task): Promise<CreateTaskResult>;
  get(id: string): Promise<Task | undefined>;
  /** Several tasks by id, in the order asked; missing ones left out. */
  getMany(ids: readonly string[]): Promise<readonly Task[]>;
  /**
   * Writes many new PENDING tasks (a job's children, right after the job is
   * created) in bulk, without idempotency keys or the outbox: their job tracks
   * whether they were all enqueued.
   */
  createMany(tasks: readonly Task[]): Promise<void>;
  list(query: ListTasksQuery): Promise<Page<TaskSummary>>;
  /**
   * Applies `event` to the record and stores the result, only if no one changed
   * the record in between (re-read and retried on a lost race). `seen`, the
   * record as the caller last saw it, saves a read; `guard` runs on every
   * version the event is applied to and may throw to refuse it (e.g. a stale
   * lease token). Throws InvalidTransitionError when the status does not allow
   * the event and NotFoundError when there is no such task.
   */
  apply(id: string, event: TaskEvent, now: Date, options?: ApplyOptions): Promise<Task>;
  /** The tenant's task count in each status. */
  countByStatus(tenant: string): Promise<Readonly<Record<TaskStatus, number>>>;
  /** The tenant's most recently created tasks, newest first. */
  recent(tenant: string, limit: number): Promise<readonly TaskSummary[]>;
  /** Takes enqueued tasks out of the outbox. */
  markEnqueued(ids: readonly string[]): Promise<void>;
  /** Outbox entries created at or before `createdBefore`, oldest first. */
  listOutbox(createdBefore: Date, limit: number): Promise<readonly OutboxEntry[]>;
}

import type { Due, Task } from '../domain/task.js';
import type { TaskStatus } from '../domain/task-status.js';

/** What a list page shows of a task (never the payload or result). */
export type TaskSummary = Pick<
  Task,
  'id' | 'type' | 'status' | 'pool' | 'priority' | 'attempts' | 'maxAttempts' | 'createdAt' | 'updatedAt'
> &
  Partial<Pick<Task, 'startedAt' | 'finishedAt' | 'deadline'>>;

export interface ListTasksQuery {
  readonly tenant: string;
  readonly status?: TaskStatus;
  readonly pool?: string;
  readonly type?: string;
  /** `desc` (default): newest first. */
  readonly order?: 'asc' | 'desc';
  readonly limit: number;
  /** Opaque, from the previous page's `nextCursor`. */
  readonly cursor?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

/** A PENDING agent-pool task as the ready set shows it: what a scheduling policy decides on. */
export type ReadyTask = Pick<
  Task,
  'id' | 'tenant' | 'pool' | 'type' | 'priority' | 'requires' | 'resources' | 'placement' | 'deadline' | 'availableAt' | 'createdAt'
> & { readonly readyKey: string; readonly readySince: string };

/** A task whose timer is due. */
export interface DueTask {
  readonly tenant: string;
  readonly id: string;
  readonly due: Due;
}

/** Queries over task records; none of them reads a tenant's history. */
export interface TaskQueries {
  list(query: ListTasksQuery): Promise<Page<TaskSummary>>;
  /** The top `perShard` of each shard of a tenant × pool ready set, in ready order. */
  ready(tenant: string, pool: string, perShard: number): Promise<readonly ReadyTask[]>;
  /** Timers of one kind due at or before `before`, oldest first. */
  due(kind: Due['kind'], before: Date, limit: number): Promise<readonly DueTask[]>;
  /**
   * Agent-lease timers due by `before`, as stores written before agents' records
   * watched their leases kept them (a `lease` timer per ACTIVE agent task): what
   * an upgraded stack's sweep still settles or clears. None in a store that never had them.
   */
  legacyLeaseTimers?(before: Date, limit: number): Promise<readonly { readonly tenant: string; readonly id: string }[]>;
}

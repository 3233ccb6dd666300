import type { Task } from '../domain/task.js';

/**
 * One atomic write of a task record, decided by the lifecycle:
 * - `before` absent: a new task, written only if its id is free (and, with
 *   `idempotencyKey`, the key too — key and task together or neither);
 * - `before` present: `after` replaces it only if the record is still at
 *   `before.revision`.
 * A job child's final transition is counted into its job from the table's stream
 * (the stream consumer, exactly once per batch), not in this write.
 */
export interface TaskWrite {
  readonly before?: Task;
  readonly after: Task;
}

export type CommitOutcome =
  | { readonly status: 'ok' }
  /** Someone changed the record first (or a transaction collided): re-read and decide again. */
  | { readonly status: 'lost-race' }
  /** A new task's id is taken. */
  | { readonly status: 'conflict'; readonly reason: 'id-taken' }
  /** A new task's idempotency key was used before, by the task `taskId`. */
  | { readonly status: 'conflict'; readonly reason: 'key-taken'; readonly taskId: string };

/**
 * How a read may be served. Strongly consistent by default. `latest: false` may
 * return an earlier version (never a later one) for half the price: for a
 * caller whose next step is a write conditional on the version it read (a stale
 * read then loses the race and the lifecycle reads again, consistently), or one
 * that confirms what an earlier version would have made it decide.
 */
export interface RecordRead {
  readonly latest: boolean;
}

/**
 * Task records: read and commit, nothing more. A store holds no domain logic: it
 * turns a `TaskWrite` into one conditional write and maps the store's failures to
 * a `CommitOutcome`. Every key is per tenant.
 */
export interface TaskRecords {
  get(tenant: string, id: string, read?: RecordRead): Promise<Task | undefined>;
  /** Several tasks by id, in the order asked; missing ones left out. */
  getMany(tenant: string, ids: readonly string[], read?: RecordRead): Promise<readonly Task[]>;
  commit(write: TaskWrite): Promise<CommitOutcome>;
  /** The id of the task a tenant's idempotency key was used for, if it was. */
  idempotent(tenant: string, key: string): Promise<string | undefined>;
  /**
   * Writes many new tasks in bulk (a job's children), unconditionally: their ids are
   * derived from the job's, so writing one twice rewrites the same PENDING record.
   */
  insertMany(tasks: readonly Task[]): Promise<void>;
}

import type { Task, TaskError } from '../domain/task.js';

/** What a dead letter says: enough to find the task and see why it failed. */
export interface DeadLetter {
  readonly taskId: string;
  readonly tenant: string;
  readonly type: string;
  readonly pool: string;
  readonly priority: string;
  readonly attempts: number;
  readonly error: TaskError;
  readonly failedAt: string;
}

/** The DLQs of the pool × priority queues. */
export interface DeadLetters {
  /** Puts a failed task's dead letter on its queue's DLQ. Throws when it could not. */
  send(task: Task, error: TaskError, now: Date): Promise<void>;
}

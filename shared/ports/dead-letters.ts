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

/** A letter read from a DLQ, with what it takes to delete it. */
export interface ReceivedLetter {
  readonly queueKey: string;
  readonly receipt: string;
  readonly messageId: string;
  /** The letter as the worker wrote it; or, for a message SQS itself redrove, just its task. */
  readonly letter: Partial<DeadLetter> & { readonly taskId: string; readonly tenant: string };
}

/** The DLQs of the pool × priority queues. */
export interface DeadLetters {
  /** Puts a failed task's dead letter on its queue's DLQ. Throws when it could not. */
  send(task: Task, error: TaskError, now: Date): Promise<void>;
}

/** Reading and removing dead letters, for the /dlq routes. */
export interface DeadLetterReader {
  /** Up to `max` (≤ 10) letters of one DLQ, invisible for `visibilitySeconds`. */
  receive(queueKey: string, max: number, visibilitySeconds: number): Promise<ReceivedLetter[]>;
  /** Visible again at once (a peek puts letters back). */
  release(queueKey: string, receipt: string): Promise<void>;
  delete(queueKey: string, receipt: string): Promise<void>;
}

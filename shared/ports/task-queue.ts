import type { OutboxEntry } from './task-store.js';

/** What goes on a work queue: just enough to find the record. */
export interface TaskMessage {
  readonly taskId: string;
  readonly tenant: string;
}

export interface EnqueueFailure {
  readonly taskId: string;
  readonly reason: string;
}

/** The pool × priority work queues. */
export interface TaskQueue {
  /** Sends each task to its pool × priority queue; reports the ones that did not go. Never throws for a send failure. */
  enqueue(entries: readonly OutboxEntry[]): Promise<{ readonly failed: readonly EnqueueFailure[] }>;
}

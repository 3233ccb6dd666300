import { MAX_QUEUE_DELAY_SECONDS } from '../domain/limits.js';
import type { Priority } from '../domain/priority.js';
import type { HeldToken } from '../domain/rate-limit.js';
import type { Task } from '../domain/task.js';

/** What goes on a work queue: just enough to find the record, and when it was sent. */
export interface TaskMessage {
  readonly taskId: string;
  readonly tenant: string;
  /** ISO instant the message was sent; a record younger than the write may not exist yet. */
  readonly sentAt?: string;
  /** A rate token reserved for the task's next start (a waiter's message): its start uses it instead of taking one. */
  readonly token?: HeldToken;
}

/** A task to send to its pool × priority queue. */
export interface QueueEntry {
  readonly id: string;
  readonly tenant: string;
  readonly pool: string;
  readonly priority: Priority;
  /** 0…900: SQS's DelaySeconds. */
  readonly delaySeconds: number;
  /** A rate token reserved for the task's next start, carried in the message body. */
  readonly token?: HeldToken;
}


export { MAX_QUEUE_DELAY_SECONDS };

/** What one SendMessageBatch carries (SQS's limit). */
export const SEND_GROUP_SIZE = 10;

/**
 * `items` in groups of up to SEND_GROUP_SIZE sharing a queue (`keyOf`), in
 * order of first appearance: each group is one SendMessageBatch, so sending
 * group by group costs no more requests than sending all at once.
 */
export function sendGroups<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const byQueue = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = byQueue.get(key);
    if (list === undefined) byQueue.set(key, [item]);
    else list.push(item);
  }
  return [...byQueue.values()].flatMap((list) => Array.from({ length: Math.ceil(list.length / SEND_GROUP_SIZE) }, (_, i) => list.slice(i * SEND_GROUP_SIZE, (i + 1) * SEND_GROUP_SIZE)));
}

/** The queue entry of a PENDING task at `now`: delayed until it is available (at most SQS's 900 s). */
export function toQueueEntry(task: Pick<Task, 'id' | 'tenant' | 'pool' | 'priority' | 'availableAt'>, now: Date): QueueEntry {
  const wait = task.availableAt === undefined ? 0 : Math.ceil((Date.parse(task.availableAt) - now.getTime()) / 1000);
  return {
    id: task.id,
    tenant: task.tenant,
    pool: task.pool,
    priority: task.priority,
    delaySeconds: Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(0, wait)),
  };
}

export interface EnqueueFailure {
  readonly taskId: string;
  readonly reason: string;
}

/** The pool × priority work queues of Lambda pools. */
export interface TaskQueue {
  /** Sends each task to its pool × priority queue; reports the ones that did not go. Never throws for a send failure. */
  enqueue(entries: readonly QueueEntry[]): Promise<{ readonly failed: readonly EnqueueFailure[] }>;
}

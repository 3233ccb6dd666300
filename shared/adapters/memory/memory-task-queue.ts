import type { EnqueueFailure, QueueEntry, TaskQueue } from '../../ports/task-queue.js';

/**
 * In-memory TaskQueue; `failNext` makes the next sends fail, to test recovery.
 * `queuedPools` (the pools with work queues: Lambda pools) refuses a send to any
 * other pool, as SqsTaskQueue does for a key it has no URL for. @default every pool
 */
export class MemoryTaskQueue implements TaskQueue {
  readonly sent: QueueEntry[] = [];
  failNext = 0;

  constructor(private readonly queuedPools?: ReadonlySet<string>) {}

  async enqueue(entries: readonly QueueEntry[]): Promise<{ failed: readonly EnqueueFailure[] }> {
    const failed: EnqueueFailure[] = [];
    for (const entry of entries) {
      if (this.queuedPools !== undefined && !this.queuedPools.has(entry.pool)) {
        failed.push({ taskId: entry.id, reason: `no work queue for ${entry.pool}:${entry.priority}` });
      } else if (this.failNext > 0) {
        this.failNext -= 1;
        failed.push({ taskId: entry.id, reason: 'simulated send failure' });
      } else {
        this.sent.push(entry);
      }
    }
    return { failed };
  }
}

import type { EnqueueFailure, QueueEntry, TaskQueue } from '../../ports/task-queue.js';

/** In-memory TaskQueue; `failNext` makes the next sends fail, to test recovery. */
export class MemoryTaskQueue implements TaskQueue {
  readonly sent: QueueEntry[] = [];
  failNext = 0;

  async enqueue(entries: readonly QueueEntry[]): Promise<{ failed: readonly EnqueueFailure[] }> {
    const failed: EnqueueFailure[] = [];
    for (const entry of entries) {
      if (this.failNext > 0) {
        this.failNext -= 1;
        failed.push({ taskId: entry.id, reason: 'simulated send failure' });
      } else {
        this.sent.push(entry);
      }
    }
    return { failed };
  }
}

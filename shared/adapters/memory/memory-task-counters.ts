import { NO_COUNTS, type StatusCounts } from '../../domain/task-counts.js';
import type { TaskStatus } from '../../domain/task-status.js';
import type { TaskCounters } from '../../ports/task-counters.js';

export class MemoryTaskCounters implements TaskCounters {
  private readonly counts = new Map<string, Record<TaskStatus, number>>();

  async add(tenant: string, deltas: Partial<Record<TaskStatus, number>>): Promise<void> {
    const counts = this.counts.get(tenant) ?? { ...NO_COUNTS };
    for (const [status, n] of Object.entries(deltas)) counts[status as TaskStatus] += n;
    this.counts.set(tenant, counts);
  }

  async read(tenant: string): Promise<StatusCounts> {
    return { ...(this.counts.get(tenant) ?? NO_COUNTS) };
  }
}

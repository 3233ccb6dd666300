import type { StatusCounts } from '../domain/task-counts.js';
import type { TaskStatus } from '../domain/task-status.js';

/** Each tenant's task counts by status, kept by the table's stream consumer (so no write path pays for them). */
export interface TaskCounters {
  add(tenant: string, deltas: Partial<Record<TaskStatus, number>>): Promise<void>;
  read(tenant: string): Promise<StatusCounts>;
}

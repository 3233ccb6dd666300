import { countDeltas, type TaskChange } from '../domain/task-counts.js';
import type { TaskCounters } from '../ports/task-counters.js';

/** The stream consumer's part for /stats: a batch of task changes folded into each tenant's counters. */
export async function recordCounts(counters: TaskCounters, changes: readonly TaskChange[]): Promise<void> {
  await Promise.all([...countDeltas(changes)].map(([tenant, deltas]) => counters.add(tenant, deltas)));
}

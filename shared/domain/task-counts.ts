import { TASK_STATUSES, type TaskStatus } from './task-status.js';
import type { Task } from './task.js';

/** A task record before and after one write, as a table stream shows it. */
export interface TaskChange {
  readonly before?: Pick<Task, 'tenant' | 'status'>;
  readonly after?: Pick<Task, 'tenant' | 'status'>;
}

export type StatusCounts = Readonly<Record<TaskStatus, number>>;

export const NO_COUNTS: StatusCounts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;

/**
 * What a batch of changes does to each tenant's counts by status: a status left
 * is −1, a status entered +1; a record deleted (TTL) leaves its status. Summed
 * per tenant, so a batch of a thousand changes costs a handful of counter writes.
 */
export function countDeltas(changes: readonly TaskChange[]): Map<string, Partial<Record<TaskStatus, number>>> {
  const deltas = new Map<string, Partial<Record<TaskStatus, number>>>();
  const add = (tenant: string, status: TaskStatus, n: number): void => {
    const tenantDeltas = deltas.get(tenant) ?? {};
    tenantDeltas[status] = (tenantDeltas[status] ?? 0) + n;
    deltas.set(tenant, tenantDeltas);
  };
  for (const { before, after } of changes) {
    if (before?.status === after?.status) continue;
    if (before !== undefined) add(before.tenant, before.status, -1);
    if (after !== undefined) add(after.tenant, after.status, +1);
  }
  for (const [tenant, tenantDeltas] of deltas) {
    for (const [status, n] of Object.entries(tenantDeltas)) if (n === 0) delete tenantDeltas[status as TaskStatus];
    if (Object.keys(tenantDeltas).length === 0) deltas.delete(tenant);
  }
  return deltas;
}

import type { Json, Task } from '../../domain/task.js';
import type { TaskStatus } from '../../domain/task-status.js';
import type { Priority } from '../../domain/priority.js';
import { TABLE } from '../../topology/table.js';

/**
 * How a task is laid out in the table. Payload and result are stored as JSON
 * strings: DynamoDB maps reject empty keys and round numbers past 38 digits, and
 * a task's JSON must come back exactly as it went in.
 */
export type TaskItem = Record<string, unknown>;

export const taskKey = (id: string): Record<string, string> => ({
  [TABLE.partitionKey]: `TASK#${id}`,
  [TABLE.sortKey]: 'TASK',
});

/** The index keys that depend on status; rewritten on every status change. */
export function indexKeys(task: Pick<Task, 'id' | 'tenant' | 'status' | 'pool' | 'createdAt'>): Record<string, string> {
  const age = `${task.createdAt}#${task.id}`;
  const { byStatus, byPool, byTenant } = TABLE.indexes;
  return {
    [byStatus.partitionKey]: `${task.tenant}#${task.status}`,
    [byStatus.sortKey]: age,
    [byPool.partitionKey]: `${task.tenant}#${task.pool}`,
    [byPool.sortKey]: `${task.status}#${age}`,
    [byTenant.partitionKey]: task.tenant,
    [byTenant.sortKey]: age,
  };
}

/** Spreads outbox entries over a few partitions so submissions do not share one hot key. */
export function outboxKeys(task: Pick<Task, 'id' | 'createdAt'>): Record<string, string> {
  let hash = 0;
  for (const char of task.id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const { outbox } = TABLE.indexes;
  return {
    [outbox.partitionKey]: outboxShard(hash % TABLE.outboxShards),
    [outbox.sortKey]: `${task.createdAt}#${task.id}`,
  };
}

export const outboxShard = (n: number): string => `OUTBOX#${n}`;

/** A job's counter shard: `JOB#<id>` / `SHARD#<nn>`, beside the job item (`JOB#<id>` / `JOB`). */
export const jobShardKey = (jobId: string, shard: number): Record<string, string> => ({
  [TABLE.partitionKey]: `JOB#${jobId}`,
  [TABLE.sortKey]: `SHARD#${String(shard).padStart(2, '0')}`,
});

/** The record's own attributes (no keys). */
export function taskAttributes(task: Task): TaskItem {
  const { payload, result, ...rest } = task;
  const item: TaskItem = { ...rest, payloadJson: JSON.stringify(payload) };
  if (result !== undefined) item.resultJson = JSON.stringify(result);
  for (const [name, value] of Object.entries(item)) if (value === undefined) delete item[name];
  return item;
}

export function toTaskItem(task: Task): TaskItem {
  return { ...taskKey(task.id), ...taskAttributes(task), ...indexKeys(task) };
}

const RECORD_ATTRIBUTES = [
  'id', 'tenant', 'type', 'priority', 'requires', 'pool', 'status', 'attempts', 'maxAttempts',
  'timeoutSeconds', 'delaySeconds', 'deadline', 'resources', 'idempotencyKey', 'progress', 'error',
  'worker', 'leaseExpiresAt', 'lease', 'then', 'job', 'createdAt', 'updatedAt', 'revision', 'startedAt', 'finishedAt',
] as const;

export function fromTaskItem(item: TaskItem): Task {
  const task: Record<string, unknown> = {};
  for (const name of RECORD_ATTRIBUTES) if (item[name] !== undefined) task[name] = item[name];
  task.revision = Number(item.revision ?? 0);
  task.payload = JSON.parse(String(item.payloadJson ?? 'null')) as Json;
  if (typeof item.resultJson === 'string') task.result = JSON.parse(item.resultJson) as Json;
  return task as unknown as Task & { status: TaskStatus; priority: Priority };
}

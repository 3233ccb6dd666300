import { shardOf } from '../../domain/dispatch.js';
import type { Json, Task } from '../../domain/task.js';
import { tenantKey } from '../../topology/keys.js';
import { TABLE } from '../../topology/table.js';

/**
 * How a task is laid out in the table (see shared/topology/table.ts). Pure
 * mapping, no decisions: the lifecycle decides `ready`, `due` and `expiresAt`;
 * this file only turns them into index keys. Payload and result are stored as
 * JSON strings: DynamoDB maps reject empty keys and round numbers past 38 digits,
 * and a task's JSON must come back exactly as it went in.
 */
export type TaskItem = Record<string, unknown>;

export const listShardKey = (tenant: string, shard: number): string => `${tenant}#tasks#${String(shard).padStart(2, '0')}`;
export const statusShardKey = (tenant: string, status: string, shard: number): string => `${tenant}#${status}#${String(shard).padStart(2, '0')}`;
export const readyShardKey = (tenant: string, pool: string, shard: number): string => `${tenant}#${pool}#ready#${String(shard).padStart(2, '0')}`;
export const dueShardKey = (kind: string, shard: number): string => `DUE#${kind}#${shard}`;

/** The sort key of a task written before the table listed tasks itself (`<tenant>#task#<id>` / `task`). */
export const LEGACY_TASK_SK = 'task';
/** The prefix of a listed task's sort key (`<tenant>#tasks#<nn>` / `task#<id>`). */
export const LISTED_TASK_SK_PREFIX = 'task#';

/**
 * Is the task stored where the table lists it? The ids the API makes are UUIDv7s
 * (time-ordered), and such a task (or a job child or next stage of one, `<id>~<n>`)
 * is stored under its tenant's list shard with `task#<id>` as sort key, so a query
 * of the shards lists a tenant's tasks by creation and no `list` index entry is
 * written: one write unit less per task. Any other id (one a client chose, or a v4
 * UUID from before the change) keeps its own partition and its index entry, so
 * tasks written before are found where they are, and listed after the newer ones.
 */
export const listedByTable = (id: string): boolean => UUID_V7.test(id);
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}(~|$)/;

export const taskKey = (tenant: string, id: string): Record<string, string> =>
  listedByTable(id)
    ? { [TABLE.partitionKey]: listShardKey(tenant, shardOf(id, TABLE.taskShards)), [TABLE.sortKey]: `${LISTED_TASK_SK_PREFIX}${id}` }
    : { [TABLE.partitionKey]: tenantKey(tenant, 'task', id), [TABLE.sortKey]: LEGACY_TASK_SK };

/** Statuses listed through the sparse `status` index: the unhappy ends, rare by design. */
export const INDEXED_STATUSES = ['FAILED', 'CANCELLED', 'EXPIRED'] as const;

/** Index keys of a task: every one is a function of fields that are fixed while it runs. */
function indexKeys(task: Task): TaskItem {
  const { list, status, ready, due } = TABLE.indexes;
  const age = `${task.createdAt}#${task.id}`;
  const shard = shardOf(task.id, TABLE.listShards);
  const keys: TaskItem = listedByTable(task.id) ? {} : { [list.partitionKey]: listShardKey(task.tenant, shard), [list.sortKey]: age };
  if ((INDEXED_STATUSES as readonly string[]).includes(task.status)) {
    keys[status.partitionKey] = statusShardKey(task.tenant, task.status, shard);
    keys[status.sortKey] = age;
  }
  if (task.ready !== undefined) {
    keys[ready.partitionKey] = readyShardKey(task.tenant, task.pool, task.ready.shard);
    keys[ready.sortKey] = task.ready.key;
    keys.readySince = task.ready.since;
  }
  if (task.due !== undefined) {
    keys[due.partitionKey] = dueShardKey(task.due.kind, shardOf(task.id, TABLE.dueShards));
    keys[due.sortKey] = `${task.due.at}#${task.tenant}#${task.id}`;
    keys.dueKind = task.due.kind;
    keys.dueAt = task.due.at;
  }
  return keys;
}

/** The record's own attributes (no keys). */
function taskAttributes(task: Task): TaskItem {
  const { payload, result, ready: _ready, due: _due, ...rest } = task;
  const item: TaskItem = { ...rest, payloadJson: JSON.stringify(payload) };
  if (result !== undefined) item.resultJson = JSON.stringify(result);
  // A record's last write is its end: stored once (fromTaskItem restores it), as 33 bytes can take a record past the kilobyte a write unit buys.
  if (task.finishedAt !== undefined && task.updatedAt === task.finishedAt) delete item.updatedAt;
  for (const [name, value] of Object.entries(item)) if (value === undefined) delete item[name];
  return item;
}

export function toTaskItem(task: Task): TaskItem {
  return { ...taskKey(task.tenant, task.id), ...taskAttributes(task), ...indexKeys(task) };
}

const RECORD_ATTRIBUTES = [
  'id', 'tenant', 'type', 'priority', 'requires', 'pool', 'status', 'attempts', 'maxAttempts',
  'timeoutSeconds', 'delaySeconds', 'deadline', 'resources', 'placement', 'idempotencyKey', 'availableAt', 'runAt',
  'payloadRef', 'resultRef', 'expiresAt', 'progress', 'error', 'worker', 'leaseExpiresAt', 'lease', 'then', 'job',
  'createdAt', 'updatedAt', 'revision', 'startedAt', 'finishedAt',
] as const;

export function fromTaskItem(item: TaskItem): Task {
  const task: Record<string, unknown> = {};
  for (const name of RECORD_ATTRIBUTES) if (item[name] !== undefined) task[name] = item[name];
  task.revision = Number(item.revision ?? 0);
  if (task.updatedAt === undefined) task.updatedAt = task.finishedAt;
  task.payload = JSON.parse(String(item.payloadJson ?? 'null')) as Json;
  if (typeof item.resultJson === 'string') task.result = JSON.parse(item.resultJson) as Json;
  const { ready } = TABLE.indexes;
  if (typeof item[ready.partitionKey] === 'string' && typeof item[ready.sortKey] === 'string') {
    task.ready = { shard: Number(String(item[ready.partitionKey]).split('#').pop()), key: item[ready.sortKey], since: String(item.readySince ?? item.createdAt) };
  }
  if (typeof item.dueKind === 'string' && typeof item.dueAt === 'string') task.due = { kind: item.dueKind, at: item.dueAt };
  return task as unknown as Task;
}

/** A job child's counter shard: beside the job item. */
export const jobCountKey = (tenant: string, jobId: string, shard: number): Record<string, string> => ({
  [TABLE.partitionKey]: tenantKey(tenant, 'job', jobId),
  [TABLE.sortKey]: `count#${String(shard).padStart(2, '0')}`,
});

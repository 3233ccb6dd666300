import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NO_COUNTS, type StatusCounts } from '../../domain/task-counts.js';
import { TASK_STATUSES, type TaskStatus } from '../../domain/task-status.js';
import type { TaskCounters } from '../../ports/task-counters.js';
import { TABLE } from '../../topology/table.js';

/** Counter shards per tenant: concurrent stream batches rarely touch the same item. */
const SHARDS = 4;

/** The partition of a tenant's counter items (and of its PENDING depth per priority, see dynamodb-minute-aggregates.ts). */
export const countsPartition = (tenant: string): string => `${tenant}#counts`;

/**
 * One of a tenant's counter items, and the ADD of `deltas` to it (shared with the stream consumer's counted batches).
 * `alongside`: more running sums for the same item (the PENDING depth per priority, `w<rank>`), so a batch adds
 * both with one write instead of two.
 */
export function counterUpdate(
  tableName: string,
  tenant: string,
  deltas: Partial<Record<TaskStatus, number>>,
  random: () => number = Math.random,
  alongside: ReadonlyMap<string, number> = new Map(),
) {
  const entries = [...Object.entries(deltas), ...alongside].filter(([, n]) => n !== 0);
  return {
    TableName: tableName,
    Key: { [TABLE.partitionKey]: countsPartition(tenant), [TABLE.sortKey]: `n#${Math.floor(random() * SHARDS)}` },
    UpdateExpression: `ADD ${entries.map((_, i) => `#s${i} :n${i}`).join(', ')}`,
    ExpressionAttributeNames: Object.fromEntries(entries.map(([status], i) => [`#s${i}`, status])),
    ExpressionAttributeValues: Object.fromEntries(entries.map(([, n], i) => [`:n${i}`, n])),
  };
}

/** `<tenant>#counts` / `n#<shard>`: one ADD per batch and tenant; a read sums the shards. */
export class DynamoDbTaskCounters implements TaskCounters {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly random: () => number = Math.random,
  ) {}

  async add(tenant: string, deltas: Partial<Record<TaskStatus, number>>): Promise<void> {
    const entries = Object.entries(deltas).filter(([, n]) => n !== 0);
    if (entries.length === 0) return;
    await this.db.send(new UpdateCommand(counterUpdate(this.tableName, tenant, deltas, this.random)));
  }

  async read(tenant: string): Promise<StatusCounts> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        ExpressionAttributeValues: { ':pk': countsPartition(tenant) },
      }),
    );
    const counts: Record<TaskStatus, number> = { ...NO_COUNTS };
    for (const item of page.Items ?? []) for (const status of TASK_STATUSES) counts[status] += Number(item[status] ?? 0);
    // Counts are applied once per stream batch (dynamodb-stream-batches.ts); a negative
    // sum could only come from counts lost before that, so it is never shown.
    for (const status of TASK_STATUSES) counts[status] = Math.max(0, counts[status]);
    return counts;
  }
}

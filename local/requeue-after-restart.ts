import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { QueueEntry, TaskQueue } from '../shared/ports/task-queue.js';

/**
 * After a restart on kept data: fauxqs keeps its queues in memory, so every
 * message of the last run is gone, while the table still holds its PENDING and
 * ACTIVE tasks. Sends each Lambda-pool one again (local only: a Scan, fine for a
 * laptop's table; agent pools lease from the table's ready set and need nothing).
 * A task sent twice still starts once (starting is a conditional write); an
 * ACTIVE one whose worker died waits out its lease, then retries as on AWS.
 */
export async function requeueAfterRestart(db: DynamoDBDocumentClient, tableName: string, queue: TaskQueue, queuedPools: ReadonlySet<string>): Promise<{ found: number; failed: number }> {
  const entries: QueueEntry[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#status IN (:pending, :active) AND attribute_exists(#pool) AND attribute_exists(#id) AND attribute_exists(#tenant)',
        ProjectionExpression: '#id, #tenant, #pool, priority',
        ExpressionAttributeNames: { '#status': 'status', '#pool': 'pool', '#id': 'id', '#tenant': 'tenant' },
        ExpressionAttributeValues: { ':pending': 'PENDING', ':active': 'ACTIVE' },
        ...(startKey !== undefined ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      if (!queuedPools.has(String(item.pool))) continue;
      entries.push({ id: String(item.id), tenant: String(item.tenant), pool: String(item.pool), priority: item.priority as QueueEntry['priority'], delaySeconds: 0 });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  if (entries.length === 0) return { found: 0, failed: 0 };
  const { failed } = await queue.enqueue(entries);
  return { found: entries.length, failed: failed.length };
}

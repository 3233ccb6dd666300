import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { itemKind } from '../shared/adapters/dynamodb/stream-records.js';
import { fromTaskItem } from '../shared/adapters/dynamodb/task-item.js';
import { mapWithConcurrency } from '../shared/concurrency.js';
import type { Task } from '../shared/domain/task.js';
import type { DeadLetters } from '../shared/ports/dead-letters.js';
import type { QueueEntry, TaskQueue } from '../shared/ports/task-queue.js';

/** SQS keeps a DLQ's messages 14 days (the stack's retention): older letters would be gone on AWS too. */
const LETTER_RETENTION_MS = 14 * 24 * 3600 * 1000;

export interface Resent {
  /** PENDING/ACTIVE Lambda-pool tasks sent to their work queue again, and how many sends failed. */
  readonly requeued: number;
  readonly requeueFailed: number;
  /** FAILED tasks whose dead letter was sent to their DLQ again, and how many sends failed. */
  readonly letters: number;
  readonly lettersFailed: number;
}

/**
 * After a restart on kept data: fauxqs keeps its queues in memory, so every
 * message of the last run is gone — work messages and dead letters — while the
 * table still holds its tasks. Sends each PENDING or ACTIVE Lambda-pool task's
 * message again (agent pools lease from the table's ready set and need nothing),
 * and each FAILED task's dead letter, so a FAILED task is in its DLQ as it would
 * be on AWS (local only: a Scan, fine for a laptop's table). A task sent twice
 * still starts once (starting is a conditional write); an ACTIVE one whose worker
 * died waits out its lease, then retries as on AWS.
 */
export async function resendAfterRestart(
  db: DynamoDBDocumentClient,
  tableName: string,
  queue: TaskQueue,
  deadLetters: DeadLetters,
  queuedPools: ReadonlySet<string>,
  now: Date,
): Promise<Resent> {
  const entries: QueueEntry[] = [];
  const failed: Task[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#status IN (:pending, :active, :failed)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'PENDING', ':active': 'ACTIVE', ':failed': 'FAILED' },
        ...(startKey !== undefined ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      // Jobs have statuses too: which items are tasks is stream-records.ts's to say.
      if (itemKind(item) !== 'task') continue;
      const task = fromTaskItem(item);
      if (task.status === 'FAILED') {
        if (now.getTime() - Date.parse(task.finishedAt ?? task.updatedAt) < LETTER_RETENTION_MS) failed.push(task);
      } else if (queuedPools.has(task.pool)) {
        entries.push({ id: task.id, tenant: task.tenant, pool: task.pool, priority: task.priority, delaySeconds: 0 });
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  const requeueFailed = entries.length === 0 ? 0 : (await queue.enqueue(entries)).failed.length;
  // Ten sends in flight: a table with many FAILED tasks should not hold up the start one letter at a time.
  const sent = await mapWithConcurrency(failed, 10, (task) =>
    deadLetters.send(task, task.error ?? { message: 'failed' }, new Date(task.finishedAt ?? task.updatedAt)).then(
      () => true,
      () => false,
    ),
  );
  const lettersFailed = sent.filter((ok) => !ok).length;
  return { requeued: entries.length, requeueFailed, letters: failed.length, lettersFailed };
}

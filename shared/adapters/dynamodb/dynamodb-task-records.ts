import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Task } from '../../domain/task.js';
import type { CommitOutcome, RecordRead, TaskRecords, TaskWrite } from '../../ports/task-records.js';
import { mapWithConcurrency } from '../../concurrency.js';
import { tenantKey } from '../../topology/keys.js';
import { TABLE } from '../../topology/table.js';
import { batchGetItems } from './batch-get.js';
import { diffUpdate } from './diff-update.js';
import { fromTaskItem, taskKey, toTaskItem } from './task-item.js';

/** How long an idempotency key keeps answering with its task. */
const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Task records in DynamoDB. Like Powertools' DynamoDBPersistenceLayer, it only
 * marshals and maps DynamoDB's answers to a `CommitOutcome`; what to write is the
 * lifecycle's decision.
 */
export class DynamoDbTaskRecords implements TaskRecords {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenant: string, id: string, read: RecordRead = { latest: true }): Promise<Task | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: taskKey(tenant, id), ConsistentRead: read.latest }));
    return Item === undefined ? undefined : fromTaskItem(Item);
  }

  async getMany(tenant: string, ids: readonly string[], read: RecordRead = { latest: true }): Promise<readonly Task[]> {
    const keys = [...new Set(ids)].map((id) => taskKey(tenant, id));
    const items = await batchGetItems(this.db, this.tableName, keys, { consistentRead: read.latest });
    const found = new Map(items.map((item) => [String(item.id), fromTaskItem(item)]));
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  async commit(write: TaskWrite): Promise<CommitOutcome> {
    return write.before === undefined ? this.insert(write.after) : this.update(write.before, write);
  }

  /**
   * A new task: `Put … attribute_not_exists(pk)`. With an idempotency key, one
   * transaction of [key, task], both conditional on not existing, so a replay
   * always finds the task its key points at.
   */
  private async insert(task: Task): Promise<CommitOutcome> {
    const putTask = {
      TableName: this.tableName,
      Item: toTaskItem(task),
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
    };
    if (task.idempotencyKey === undefined) {
      try {
        await this.db.send(new PutCommand(putTask));
        return { status: 'ok' };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return { status: 'conflict', reason: 'id-taken' };
        throw error;
      }
    }
    const idemKey = { [TABLE.partitionKey]: tenantKey(task.tenant, 'idem', task.idempotencyKey), [TABLE.sortKey]: 'idem' };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...idemKey, taskId: task.id, [TABLE.ttlAttribute]: Math.floor(Date.parse(task.createdAt) / 1000) + IDEMPOTENCY_TTL_SECONDS },
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
              },
            },
            { Put: putTask },
          ],
        }),
      );
      return { status: 'ok' };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [keyReason, taskReason] = error.CancellationReasons ?? [];
      if (keyReason?.Code === 'ConditionalCheckFailed') {
        const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: idemKey, ConsistentRead: true }));
        if (Item !== undefined) return { status: 'conflict', reason: 'key-taken', taskId: String(Item.taskId) };
      }
      if (taskReason?.Code === 'ConditionalCheckFailed') return { status: 'conflict', reason: 'id-taken' };
      return { status: 'lost-race' };
    }
  }

  /**
   * `after` over `before`: only the changed attributes, only if the record is
   * still at `before.revision` (so of two writers that read the same version,
   * one wins and the other re-reads).
   */
  private async update(before: Task, write: TaskWrite): Promise<CommitOutcome> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: taskKey(before.tenant, before.id),
          ...diffUpdate(toTaskItem(before), toTaskItem(write.after), { '#revision': 'revision' }, { ':seen': before.revision }),
          ConditionExpression: '#revision = :seen',
        }),
      );
      return { status: 'ok' };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { status: 'lost-race' };
      throw error;
    }
  }

  async idempotent(tenant: string, key: string): Promise<string | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { [TABLE.partitionKey]: tenantKey(tenant, 'idem', key), [TABLE.sortKey]: 'idem' }, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : String(Item.taskId);
  }

  async insertMany(tasks: readonly Task[]): Promise<void> {
    const chunks = Array.from({ length: Math.ceil(tasks.length / 25) }, (_, i) => tasks.slice(i * 25, (i + 1) * 25));
    await mapWithConcurrency(chunks, 8, async (chunk) => {
      let requests: NonNullable<BatchWriteCommand['input']['RequestItems']>[string] | undefined = chunk.map((task) => ({
        PutRequest: { Item: toTaskItem(task) },
      }));
      for (let round = 0; requests !== undefined && requests.length > 0; round++) {
        if (round > 0) await sleep(20 * 2 ** Math.min(round, 6));
        const result: BatchWriteCommandOutput = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        requests = result.UnprocessedItems?.[this.tableName];
      }
    });
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { transition, type TaskEvent } from '../../domain/state-machine.js';
import type { Task } from '../../domain/task.js';
import { TASK_STATUSES, type TaskStatus } from '../../domain/task-status.js';
import { DuplicateTaskIdError, NotFoundError, ValidationError } from '../../errors.js';
import type {
  ApplyOptions,
  CreateTaskResult,
  ListTasksQuery,
  OutboxEntry,
  Page,
  TaskStore,
  TaskSummary,
} from '../../ports/task-store.js';
import { TABLE } from '../../topology/table.js';
import { mapWithConcurrency } from '../../services/concurrency.js';
import { fromTaskItem, jobShardKey, outboxKeys, outboxShard, taskKey, toTaskItem, type TaskItem } from './task-item.js';
import { followUpsOf, type FollowUps, type StageRouter } from '../../domain/follow-ups.js';
import { diffUpdate } from './diff-update.js';
import { queryPages } from './query-pages.js';

/** How long an idempotency key keeps answering with its task. */
const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600;
/** Lost races on one record before giving up; each retry re-reads. */
const MAX_APPLY_RACES = 8;

export class DynamoDbTaskStore implements TaskStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Routes pipeline stages created by a completion. */
    private readonly route: StageRouter = () => undefined,
  ) {}

  async create(task: Task): Promise<CreateTaskResult> {
    const item = { ...toTaskItem(task), ...outboxKeys(task) };
    const putTask = {
      TableName: this.tableName,
      Item: item,
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
    };
    if (task.idempotencyKey === undefined) {
      try {
        await this.db.send(new PutCommand(putTask));
        return { created: true, task };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new DuplicateTaskIdError(task.id);
        throw error;
      }
    }
    return this.createIdempotent(task, putTask);
  }

  /**
   * The key and the task are written in one transaction: either both exist or
   * neither, so a replay always finds the task its key points at.
   */
  private async createIdempotent(task: Task, putTask: PutCommand['input']): Promise<CreateTaskResult> {
    const idemKey = {
      [TABLE.partitionKey]: `IDEM#${task.tenant}#${task.idempotencyKey}`,
      [TABLE.sortKey]: 'IDEM',
    };
    for (let race = 0; ; race++) {
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    ...idemKey,
                    taskId: task.id,
                    [TABLE.ttlAttribute]: Math.floor(Date.parse(task.createdAt) / 1000) + IDEMPOTENCY_TTL_SECONDS,
                  },
                  ConditionExpression: 'attribute_not_exists(#pk)',
                  ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
                },
              },
              { Put: putTask as NonNullable<PutCommand['input']> },
            ],
          }),
        );
        return { created: true, task };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [keyReason, taskReason] = error.CancellationReasons ?? [];
        if (keyReason?.Code === 'ConditionalCheckFailed') {
          const existing = await this.db.send(new GetCommand({ TableName: this.tableName, Key: idemKey, ConsistentRead: true }));
          const replayed = await this.get(String(existing.Item?.taskId));
          if (replayed !== undefined) return { created: false, task: replayed };
        } else if (taskReason?.Code === 'ConditionalCheckFailed') {
          throw new DuplicateTaskIdError(task.id);
        }
        // A concurrent transaction on the same key: try again, it will have settled.
        if (race >= MAX_APPLY_RACES) throw error;
        await sleep(10 * 2 ** race);
      }
    }
  }

  async getMany(ids: readonly string[]): Promise<readonly Task[]> {
    const found = new Map<string, Task>();
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = ids.slice(i, i + 100).map(taskKey);
      for (let round = 0; keys !== undefined && keys.length > 0; round++) {
        if (round > 0) await sleep(20 * 2 ** Math.min(round, 6));
        const page: BatchGetCommandOutput = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of page.Responses?.[this.tableName] ?? []) found.set(String(item.id), fromTaskItem(item));
        keys = page.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  async createMany(tasks: readonly Task[]): Promise<void> {
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

  async get(id: string): Promise<Task | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: taskKey(id), ConsistentRead: true }));
    return Item === undefined ? undefined : fromTaskItem(Item);
  }

  /**
   * Optimistic concurrency: apply the pure transition to the record as last seen
   * (`seen`, or a fresh read) and write only the changed attributes under
   * `revision = <seen revision>`. A lost race re-reads, and the state machine
   * then decides whether the event still applies.
   */
  async apply(id: string, event: TaskEvent, now: Date, options: ApplyOptions = {}): Promise<Task> {
    let before = options.seen;
    for (let race = 0; ; race++) {
      before ??= await this.get(id);
      if (before === undefined) throw new NotFoundError('task', id);
      options.guard?.(before);
      const after = transition(before, event, now);
      const update = {
        TableName: this.tableName,
        Key: taskKey(id),
        ...diffUpdate(toTaskItem(before), toTaskItem(after), { '#revision': 'revision' }, { ':seen': before.revision }),
        ConditionExpression: '#revision = :seen',
      };
      const followUps = followUpsOf(after, this.route, now);
      try {
        if (followUps.count === undefined && followUps.next === undefined) {
          await this.db.send(new UpdateCommand(update));
        } else {
          // The transition and what must come with it, in one transaction.
          await this.db.send(new TransactWriteCommand({ TransactItems: [{ Update: update as never }, ...this.followUpWrites(followUps)] }));
        }
        return after;
      } catch (error) {
        const lostRace =
          error instanceof ConditionalCheckFailedException ||
          (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code !== 'None');
        if (!lostRace || race >= MAX_APPLY_RACES) throw error;
        before = undefined;
      }
    }
  }

  /** A job child's count (an ADD on its shard) and a next stage (put into the outbox). */
  private followUpWrites(followUps: FollowUps): NonNullable<TransactWriteCommand['input']['TransactItems']> {
    const writes: NonNullable<TransactWriteCommand['input']['TransactItems']> = [];
    if (followUps.count !== undefined) {
      writes.push({
        Update: {
          TableName: this.tableName,
          Key: jobShardKey(followUps.count.jobId, followUps.count.shard),
          UpdateExpression: 'ADD #outcome :one',
          ExpressionAttributeNames: { '#outcome': followUps.count.outcome },
          ExpressionAttributeValues: { ':one': 1 },
        },
      });
    }
    if (followUps.next !== undefined) {
      writes.push({
        Put: {
          TableName: this.tableName,
          Item: { ...toTaskItem(followUps.next), ...outboxKeys(followUps.next) },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        },
      });
    }
    return writes;
  }

  async list(query: ListTasksQuery): Promise<Page<TaskSummary>> {
    const { byStatus, byPool, byTenant } = TABLE.indexes;
    let input: Omit<QueryCommandInput, 'TableName'>;
    if (query.pool !== undefined) {
      input = {
        IndexName: byPool.name,
        KeyConditionExpression:
          query.status !== undefined ? '#pk = :pk AND begins_with(#sk, :status)' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': byPool.partitionKey, ...(query.status !== undefined ? { '#sk': byPool.sortKey } : {}) },
        ExpressionAttributeValues: {
          ':pk': `${query.tenant}#${query.pool}`,
          ...(query.status !== undefined ? { ':status': `${query.status}#` } : {}),
        },
      };
    } else if (query.status !== undefined) {
      input = {
        IndexName: byStatus.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': byStatus.partitionKey },
        ExpressionAttributeValues: { ':pk': `${query.tenant}#${query.status}` },
      };
    } else {
      input = {
        IndexName: byTenant.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': byTenant.partitionKey },
        ExpressionAttributeValues: { ':pk': query.tenant },
      };
    }
    const startKey = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    try {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          ...input,
          Limit: query.limit,
          ...(startKey !== undefined ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      const items = (page.Items ?? []).map(toSummaryItem);
      return page.LastEvaluatedKey === undefined ? { items } : { items, nextCursor: encodeCursor(page.LastEvaluatedKey) };
    } catch (error) {
      // A cursor from another query or tenant does not fit this index's key.
      if (startKey !== undefined && (error as Error).name === 'ValidationException') throw invalidCursor();
      throw error;
    }
  }

  /** One COUNT query per status on the byStatus index (paged; counts are not sampled). */
  async countByStatus(tenant: string): Promise<Record<TaskStatus, number>> {
    const { byStatus } = TABLE.indexes;
    const entries = await Promise.all(
      TASK_STATUSES.map(async (status) => {
        let count = 0;
        const pages = queryPages(this.db, {
          TableName: this.tableName,
          IndexName: byStatus.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': byStatus.partitionKey },
          ExpressionAttributeValues: { ':pk': `${tenant}#${status}` },
          Select: 'COUNT',
        });
        for await (const page of pages) count += page.Count ?? 0;
        return [status, count] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<TaskStatus, number>;
  }

  async recent(tenant: string, limit: number): Promise<readonly TaskSummary[]> {
    const { byTenant } = TABLE.indexes;
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: byTenant.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': byTenant.partitionKey },
        ExpressionAttributeValues: { ':pk': tenant },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map(toSummaryItem);
  }

  async markEnqueued(ids: readonly string[]): Promise<void> {
    const { outbox } = TABLE.indexes;
    await mapWithConcurrency(ids, 16, async (id) => {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: taskKey(id),
          UpdateExpression: 'REMOVE #opk, #osk',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#opk': outbox.partitionKey, '#osk': outbox.sortKey, '#pk': TABLE.partitionKey },
        }),
      );
    });
  }

  async listOutbox(createdBefore: Date, limit: number): Promise<readonly OutboxEntry[]> {
    const { outbox } = TABLE.indexes;
    const shards = Array.from({ length: TABLE.outboxShards }, (_, n) => outboxShard(n));
    const pages = await Promise.all(
      shards.map((shard) =>
        this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: outbox.name,
            KeyConditionExpression: '#pk = :shard AND #sk <= :cutoff',
            ExpressionAttributeNames: { '#pk': outbox.partitionKey, '#sk': outbox.sortKey },
            // `~` sorts after every id character, so the cutoff instant is included.
            ExpressionAttributeValues: { ':shard': shard, ':cutoff': `${createdBefore.toISOString()}#~` },
            Limit: limit,
          }),
        ),
      ),
    );
    return pages
      .flatMap((page) => page.Items ?? [])
      .map(
        (item): OutboxEntry => ({
          id: String(item.id),
          tenant: String(item.tenant),
          pool: String(item.pool),
          priority: item.priority as OutboxEntry['priority'],
          delaySeconds: Number(item.delaySeconds ?? 0),
          createdAt: String(item.createdAt),
        }),
      )
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .slice(0, limit);
  }
}

function toSummaryItem(item: TaskItem): TaskSummary {
  const summary: Record<string, unknown> = {};
  for (const name of TABLE.listAttributes) if (item[name] !== undefined && name !== 'tenant') summary[name] = item[name];
  return summary as unknown as TaskSummary;
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof key === 'object' && key !== null && !Array.isArray(key)) return key as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw invalidCursor();
}

const invalidCursor = (): ValidationError =>
  new ValidationError([{ field: 'cursor', message: 'is not a cursor this list returned' }]);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

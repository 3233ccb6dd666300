import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MinuteDeltas } from '../../domain/minute-aggregates.js';
import type { BatchHalf, StatusDeltas, StreamBatches, StreamBatchState } from '../../ports/stream-batches.js';
import { TABLE } from '../../topology/table.js';
import { counterUpdate } from './dynamodb-task-counters.js';
import { minuteUpdates } from './dynamodb-minute-aggregates.js';

/** A batch's mark outlives the stream's 24 h retention: no delivery of it can come later. */
const MARK_TTL_SECONDS = 2 * 24 * 3600;
/** TransactWriteItems takes 100 items: the marks, and as many tenants' counters as fit beside them. */
const MAX_TRANSACTION_ITEMS = 100;

/**
 * `STREAMBATCH#<first record's eventID>` / `batch`: `openedAt`, `countedThrough`.
 * A partition per batch (no hot key); the stream filter passes no `batch` item to
 * the consumer, and locally a batch of only such records writes nothing.
 */
export class DynamoDbStreamBatches implements StreamBatches {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private key(batchId: string): Record<string, string> {
    return { [TABLE.partitionKey]: `STREAMBATCH#${batchId}`, [TABLE.sortKey]: 'batch' };
  }

  async open(batchId: string, now: Date): Promise<StreamBatchState> {
    // if_not_exists: a second delivery reads the first one's openedAt, in the same single write.
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(batchId),
        UpdateExpression: 'SET openedAt = if_not_exists(openedAt, :now), #ttl = if_not_exists(#ttl, :ttl)',
        ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
        ExpressionAttributeValues: { ':now': now.toISOString(), ':ttl': Math.floor(now.getTime() / 1000) + MARK_TTL_SECONDS },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { openedAt: new Date(String(Attributes?.openedAt ?? now.toISOString())), ...(typeof Attributes?.countedThrough === 'string' ? { countedThrough: Attributes.countedThrough } : {}) };
  }

  async count(batchId: string, deltas: StatusDeltas, previous: string | undefined, through: string, secondHalf?: BatchHalf, minutes?: MinuteDeltas): Promise<boolean> {
    // The mark moves only from what this delivery read: a concurrent or earlier
    // delivery that counted first cancels the whole transaction, counters included.
    const mark = {
      TableName: this.tableName,
      Key: this.key(batchId),
      UpdateExpression: 'SET countedThrough = :through',
      ConditionExpression: previous === undefined ? 'attribute_not_exists(countedThrough)' : 'countedThrough = :previous',
      ExpressionAttributeValues: { ':through': through, ...(previous !== undefined ? { ':previous': previous } : {}) },
    };
    // The second half's mark: absent, or where this batch's earlier delivery left it (it moves with the batch's).
    const halfMark =
      secondHalf === undefined
        ? []
        : [
            {
              TableName: this.tableName,
              Key: this.key(secondHalf.batchId),
              UpdateExpression: 'SET countedThrough = :through, openedAt = if_not_exists(openedAt, :openedAt), #ttl = if_not_exists(#ttl, :ttl)',
              ConditionExpression: previous === undefined ? 'attribute_not_exists(countedThrough)' : 'attribute_not_exists(countedThrough) OR countedThrough = :previous',
              ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
              ExpressionAttributeValues: {
                ':through': through,
                ':openedAt': secondHalf.openedAt.toISOString(),
                ':ttl': Math.floor(secondHalf.openedAt.getTime() / 1000) + MARK_TTL_SECONDS,
                ...(previous !== undefined ? { ':previous': previous } : {}),
              },
            },
          ];
    const marks = [mark, ...halfMark];
    // The minutes' ADDs ride with the counters: applied with the mark, or not at all.
    const counters = [
      ...[...deltas].filter(([, d]) => Object.values(d).some((n) => n !== 0)).map(([tenant, d]) => counterUpdate(this.tableName, tenant, d)),
      ...(minutes !== undefined ? minuteUpdates(this.tableName, minutes) : []),
    ];
    try {
      if (counters.length === 0 && marks.length === 1) {
        await this.db.send(new UpdateCommand(mark));
        return true;
      }
      // A batch from some 30 tenants (a counter, a minute and a depth each) is the only way past 99: the rest follow
      // in further transactions (not atomic with the mark: a crash between them loses those counts).
      const [first, ...rest] = chunks(counters, MAX_TRANSACTION_ITEMS - marks.length);
      await this.db.send(new TransactWriteCommand({ TransactItems: [...marks.map((Update) => ({ Update })), ...(first ?? []).map((Update) => ({ Update }))] }));
      for (const chunk of rest) await this.db.send(new TransactWriteCommand({ TransactItems: chunk.map((Update) => ({ Update })) }));
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.slice(0, marks.length).some((r) => r.Code === 'ConditionalCheckFailed')) return false;
      throw error;
    }
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

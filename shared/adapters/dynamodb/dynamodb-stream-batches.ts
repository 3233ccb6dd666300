import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hashOf } from '../../domain/dispatch.js';
import { JOB_SHARDS, type JobCountDeltas } from '../../domain/job.js';
import type { MinuteCounts, MinuteDeltas } from '../../domain/minute-aggregates.js';
import type { BatchHalf, StatusDeltas, StreamBatches, StreamBatchState } from '../../ports/stream-batches.js';
import { TABLE } from '../../topology/table.js';
import { counterUpdate } from './dynamodb-task-counters.js';
import { depthOf, minuteItemUpdates } from './dynamodb-minute-aggregates.js';
import { jobCountKey } from './task-item.js';

/** A batch's mark outlives the stream's 24 h retention: no delivery of it can come later. */
const MARK_TTL_SECONDS = 2 * 24 * 3600;
/** TransactWriteItems takes 100 items: the marks, and as many tenants' counters as fit beside them. */
const MAX_TRANSACTION_ITEMS = 100;
/**
 * The largest minute deltas (as JSON) a mark carries: with them the mark stays under
 * 1 KB, one write unit. Larger ones (many tenants or minutes in a batch) ride in the
 * transaction instead, as before.
 */
const MAX_PENDING_MINUTES_BYTES = 700;

/** What a mark carries of the minute deltas its count wrote after the transaction: the writes' token, and the deltas. */
interface PendingMinutes {
  readonly token: string;
  readonly deltas: MinuteDeltas;
}

const toJson = (deltas: MinuteDeltas): string => JSON.stringify([...deltas].map(([tenant, minutes]) => [tenant, [...minutes]]));
const fromJson = (json: string): MinuteDeltas =>
  new Map((JSON.parse(json) as [string, [string, MinuteCounts][]][]).map(([tenant, minutes]) => [tenant, new Map(minutes)]));

/**
 * `STREAMBATCH#<first record's eventID>` / `batch`: `openedAt`, `countedThrough`, and the
 * minute deltas of its last count (`minutes`, `minutesOnce`).
 * A partition per batch (no hot key); the stream filter passes no `batch` item to
 * the consumer, and locally a batch of only such records writes nothing.
 *
 * Write units: a transaction bills each item twice. The counts by status and the PENDING
 * depth (one counter item per tenant) and the mark go in the transaction: that makes them
 * exactly once. A batch's per-minute items go after it, each a plain conditional write
 * carrying a token of the counted range; the mark holds the deltas and the token, so a
 * delivery that comes again after a crash between the two (open reads them) writes the
 * minutes again under the same token, which every item that took them already refuses.
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
    // A delivery before this one counted and may have stopped before its minutes were written: write them (again).
    if (typeof Attributes?.minutes === 'string' && typeof Attributes.minutesOnce === 'string') {
      await this.writeMinutes({ token: Attributes.minutesOnce, deltas: fromJson(Attributes.minutes) });
    }
    return { openedAt: new Date(String(Attributes?.openedAt ?? now.toISOString())), ...(typeof Attributes?.countedThrough === 'string' ? { countedThrough: Attributes.countedThrough } : {}) };
  }

  async count(batchId: string, deltas: StatusDeltas, previous: string | undefined, through: string, secondHalf?: BatchHalf, minutes?: MinuteDeltas, jobs?: JobCountDeltas): Promise<boolean> {
    // The minutes go after the transaction when the mark can carry them in its one write unit.
    const json = minutes === undefined || minutes.size === 0 ? undefined : toJson(minutes);
    const pending: PendingMinutes | undefined =
      minutes !== undefined && json !== undefined && Buffer.byteLength(json) <= MAX_PENDING_MINUTES_BYTES ? { token: onceToken(batchId, previous, through), deltas: minutes } : undefined;
    const carry =
      pending !== undefined && json !== undefined
        ? { set: ', minutes = :minutes, minutesOnce = :once', remove: '', values: { ':minutes': json, ':once': pending.token } }
        : { set: '', remove: ' REMOVE minutes, minutesOnce', values: {} };
    // The mark moves only from what this delivery read: a concurrent or earlier
    // delivery that counted first cancels the whole transaction, counters included.
    const mark = {
      TableName: this.tableName,
      Key: this.key(batchId),
      UpdateExpression: `SET countedThrough = :through${carry.set}${carry.remove}`,
      ConditionExpression: previous === undefined ? 'attribute_not_exists(countedThrough)' : 'countedThrough = :previous',
      ExpressionAttributeValues: { ':through': through, ...(previous !== undefined ? { ':previous': previous } : {}), ...carry.values },
    };
    // The second half's mark: absent, or where this batch's earlier delivery left it (it moves with the batch's).
    // It carries the pending minutes too: whichever half comes back first writes them.
    const halfMark =
      secondHalf === undefined
        ? []
        : [
            {
              TableName: this.tableName,
              Key: this.key(secondHalf.batchId),
              UpdateExpression: `SET countedThrough = :through, openedAt = if_not_exists(openedAt, :openedAt), #ttl = if_not_exists(#ttl, :ttl)${carry.set}${carry.remove}`,
              ConditionExpression: previous === undefined ? 'attribute_not_exists(countedThrough)' : 'attribute_not_exists(countedThrough) OR countedThrough = :previous',
              ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
              ExpressionAttributeValues: {
                ':through': through,
                ':openedAt': secondHalf.openedAt.toISOString(),
                ':ttl': Math.floor(secondHalf.openedAt.getTime() / 1000) + MARK_TTL_SECONDS,
                ...(previous !== undefined ? { ':previous': previous } : {}),
                ...carry.values,
              },
            },
          ];
    const marks = [mark, ...halfMark];
    // Each tenant's counts and PENDING depth in one counter item; the minute items here only when the mark cannot carry them.
    const depth = minutes === undefined ? new Map<string, Map<string, number>>() : depthOf(minutes);
    const tenants = new Set([...deltas.keys(), ...depth.keys()]);
    const counters = [
      ...[...tenants]
        .filter((tenant) => Object.values(deltas.get(tenant) ?? {}).some((n) => n !== 0) || depth.has(tenant))
        .map((tenant) => counterUpdate(this.tableName, tenant, deltas.get(tenant) ?? {}, Math.random, depth.get(tenant))),
      ...(minutes !== undefined && pending === undefined ? minuteItemUpdates(this.tableName, minutes) : []),
      ...jobCountUpdates(this.tableName, jobs, hashOf(batchId) % JOB_SHARDS),
    ];
    try {
      if (counters.length === 0 && marks.length === 1) {
        await this.db.send(new UpdateCommand(mark));
      } else {
        // A batch from some 30 tenants (a counter, a minute and a depth each) is the only way past 99: the rest follow
        // in further transactions (not atomic with the mark: a crash between them loses those counts).
        const [first, ...rest] = chunks(counters, MAX_TRANSACTION_ITEMS - marks.length);
        await this.db.send(new TransactWriteCommand({ TransactItems: [...marks.map((Update) => ({ Update })), ...(first ?? []).map((Update) => ({ Update }))] }));
        for (const chunk of rest) await this.db.send(new TransactWriteCommand({ TransactItems: chunk.map((Update) => ({ Update })) }));
      }
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.slice(0, marks.length).some((r) => r.Code === 'ConditionalCheckFailed')) return false;
      throw error;
    }
    // Counted: a failure from here on fails the call, and the batch's next delivery (open) writes the minutes again.
    if (pending !== undefined) await this.writeMinutes(pending);
    return true;
  }

  /** The minute items of a count, each once: an item that took the token already refuses it (not an error). */
  private async writeMinutes(pending: PendingMinutes): Promise<void> {
    await Promise.all(
      minuteItemUpdates(this.tableName, pending.deltas, Math.random, pending.token).map(async (update) => {
        try {
          await this.db.send(new UpdateCommand(update));
        } catch (error) {
          if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        }
      }),
    );
  }
}

/**
 * Each job's child counts from one batch: an `ADD` to one of its counter items
 * (`count#<nn>`, the shard chosen by the batch, so concurrent batches of one job
 * seldom collide), one item per job however many of its children the batch ends.
 */
function jobCountUpdates(
  tableName: string,
  jobs: JobCountDeltas | undefined,
  shard: number,
): { TableName: string; Key: Record<string, string>; UpdateExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, number> }[] {
  return [...(jobs?.values() ?? [])].map(({ tenant, jobId, counts }) => {
    const added = Object.entries(counts).filter(([, n]) => n > 0);
    return {
      TableName: tableName,
      Key: jobCountKey(tenant, jobId, shard),
      UpdateExpression: `ADD ${added.map(([outcome]) => `#${outcome} :${outcome}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(added.map(([outcome]) => [`#${outcome}`, outcome])),
      ExpressionAttributeValues: Object.fromEntries(added.map(([outcome, n]) => [`:${outcome}`, n])),
    };
  });
}

/** Names the counted range (batch, from, through) in 48 bits: the minute items keep it in a set, so it is short. */
function onceToken(batchId: string, previous: string | undefined, through: string): string {
  return createHash('sha256').update(`${batchId}\u0000${previous ?? ''}\u0000${through}`).digest('base64url').slice(0, 8);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

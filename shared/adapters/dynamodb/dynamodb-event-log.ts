import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { TaskfleetEvent } from '../../domain/events.js';
import type { EventCursor, EventLog } from '../../ports/events.js';
import { tenantKey } from '../../topology/keys.js';
import { TABLE } from '../../topology/table.js';

/** How long the log keeps events (TTL). */
export const EVENT_LOG_TTL_SECONDS = 24 * 3600;
/**
 * Partitions per tenant and minute. One partition takes ~1,000 write units a
 * second on AWS; a busy tenant's batches spread over these, and a reader queries
 * each (a reader is one `events --follow`, writers are every task's events).
 */
export const EVENT_LOG_SHARDS = 8;
/** A reader stays this far behind now, so a write still in flight from another stream shard is not skipped. */
const READ_LAG_MS = 3_000;
/** The oldest minute a reader may ask for. */
const MAX_LOOKBACK_MINUTES = 60;

/** Events per log item, by their JSON's UTF-8 bytes before gzip: under DynamoDB's 400 KB item limit even if nothing compresses. */
export const MAX_ITEM_EVENTS_BYTES = 300_000;

const minute = (iso: string): string => iso.slice(0, 16);

/** Consecutive events in groups whose JSON array stays within `maxBytes` (an event larger than that alone is its own group). */
export function chunkBySize(events: readonly TaskfleetEvent[], maxBytes: number): { events: TaskfleetEvent[]; json: string }[] {
  const chunks: { events: TaskfleetEvent[]; json: string }[] = [];
  let current: TaskfleetEvent[] = [];
  let bytes = 2;
  for (const event of events) {
    const size = Buffer.byteLength(JSON.stringify(event)) + 1;
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push({ events: current, json: JSON.stringify(current) });
      current = [];
      bytes = 2;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) chunks.push({ events: current, json: JSON.stringify(current) });
  return chunks;
}
const partition = (tenant: string, bucket: string, shard: number): string => tenantKey(tenant, 'events', `${bucket}#${shard}`);
const shardOf = (id: string): number => createHash('sha1').update(id).digest().readUInt32BE(0) % EVENT_LOG_SHARDS;

type Stored = Record<string, unknown>;

/**
 * A tenant's recent events, one item per consumer batch and tenant, gzipped (a
 * batch's events repeat their field names and types: ~10× smaller, so a task's
 * events cost a small fraction of a write unit), under a partition per minute and
 * shard: `<tenant>#events#<YYYY-MM-DDTHH:MM>#<shard>` / `<written at ISO>#<first
 * event id>`. Items expire after a day. The sort key doubles as the reader's
 * cursor: it orders items across shards too.
 */
export class DynamoDbEventLog implements EventLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(tenant: string, events: readonly TaskfleetEvent[], now: Date): Promise<void> {
    const at = now.toISOString();
    // 100 events with 4 KiB results of random data gzip to 300-430 KB (measured), at
    // DynamoDB's 400 KB item limit, which would fail the batch on every retry:
    // chunks bounded before compression keep each item under it whatever the data.
    await Promise.all(
      chunkBySize(events, MAX_ITEM_EVENTS_BYTES).map(({ events: chunk, json }) => {
        const first = chunk[0] as TaskfleetEvent;
        return this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              [TABLE.partitionKey]: partition(tenant, minute(at), shardOf(first.id)),
              [TABLE.sortKey]: `${at}#${first.id}`,
              eventsGz: gzipSync(json),
              [TABLE.ttlAttribute]: Math.floor(now.getTime() / 1000) + EVENT_LOG_TTL_SECONDS,
            },
          }),
        );
      }),
    );
  }

  async read(tenant: string, after: EventCursor | undefined, limit: number, now: Date): Promise<{ events: TaskfleetEvent[]; next: EventCursor }> {
    const horizon = new Date(now.getTime() - READ_LAG_MS).toISOString();
    const oldest = new Date(now.getTime() - MAX_LOOKBACK_MINUTES * 60_000).toISOString();
    let cursor = after === undefined || after < oldest ? (after === undefined ? new Date(now.getTime() - 60_000).toISOString() : oldest) : after;
    // A cursor at or past the horizon (a reader asking again within READ_LAG_MS): nothing is settled yet.
    if (cursor >= horizon) return { events: [], next: cursor };
    const events: TaskfleetEvent[] = [];
    // A stream batch that is retried appends its events again: the stable ids drop the copies.
    const seen = new Set<string>();
    for (let bucket = new Date(`${minute(cursor)}:00.000Z`); minute(bucket.toISOString()) <= minute(horizon); bucket = new Date(bucket.getTime() + 60_000)) {
      const items = await this.minuteItems(tenant, minute(bucket.toISOString()), cursor, horizon, limit);
      for (const item of items) {
        for (const event of decode(item)) {
          if (!seen.has(event.id)) events.push(event);
          seen.add(event.id);
        }
        cursor = String(item[TABLE.sortKey]);
        if (events.length >= limit) return { events, next: cursor };
      }
    }
    // Everything up to the horizon has been read: the next read starts there.
    // biome-ignore lint/complexity/useMathMinMax: cursors are strings (sort keys), which Math.max would turn into NaN
    return { events, next: cursor > horizon ? cursor : horizon };
  }

  /** One minute's items after the cursor, from every shard, in sort-key order. */
  private async minuteItems(tenant: string, bucket: string, after: string, horizon: string, limit: number): Promise<Stored[]> {
    const shards = await Promise.all(
      Array.from({ length: EVENT_LOG_SHARDS }, async (_, shard) => {
        const { Items } = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :after AND :horizon',
            ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
            ExpressionAttributeValues: { ':pk': partition(tenant, bucket, shard), ':after': `${after}\u0000`, ':horizon': horizon },
            Limit: limit,
          }),
        );
        return Items ?? [];
      }),
    );
    // Each shard returned its first `limit` items; merged, the first `limit` overall are complete.
    return shards
      .flat()
      .sort((a, b) => (String(a[TABLE.sortKey]) < String(b[TABLE.sortKey]) ? -1 : 1))
      .slice(0, limit);
  }
}

function decode(item: Stored): TaskfleetEvent[] {
  const gz = item.eventsGz;
  if (gz instanceof Uint8Array) return JSON.parse(gunzipSync(gz).toString('utf8')) as TaskfleetEvent[];
  return [];
}

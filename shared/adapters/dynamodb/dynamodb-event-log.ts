import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TaskfleetEvent } from '../../domain/events.js';
import type { EventCursor, EventLog } from '../../ports/events.js';
import { tenantKey } from '../../topology/keys.js';
import { TABLE } from '../../topology/table.js';

/** How long the log keeps events (TTL). */
export const EVENT_LOG_TTL_SECONDS = 24 * 3600;
/** A reader stays this far behind now, so a write still in flight from another stream shard is not skipped. */
const READ_LAG_MS = 3_000;
/** The oldest minute a reader may ask for. */
const MAX_LOOKBACK_MINUTES = 60;

const minute = (iso: string): string => iso.slice(0, 16);
const partition = (tenant: string, bucket: string): string => tenantKey(tenant, 'events', bucket);

/**
 * A tenant's recent events, one item per consumer batch and tenant (so a task's three
 * events cost a fraction of a write unit), under a partition per minute:
 * `<tenant>#events#<YYYY-MM-DDTHH:MM>` / `<written at ISO>#<first event id>`. Items
 * expire after a day. The sort key doubles as the reader's cursor.
 */
export class DynamoDbEventLog implements EventLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(tenant: string, events: readonly TaskfleetEvent[], now: Date): Promise<void> {
    if (events.length === 0) return;
    const at = now.toISOString();
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          [TABLE.partitionKey]: partition(tenant, minute(at)),
          [TABLE.sortKey]: `${at}#${events[0]?.id ?? ''}`,
          eventsJson: JSON.stringify(events),
          [TABLE.ttlAttribute]: Math.floor(now.getTime() / 1000) + EVENT_LOG_TTL_SECONDS,
        },
      }),
    );
  }

  async read(tenant: string, after: EventCursor | undefined, limit: number, now: Date): Promise<{ events: TaskfleetEvent[]; next: EventCursor }> {
    const horizon = new Date(now.getTime() - READ_LAG_MS).toISOString();
    const oldest = new Date(now.getTime() - MAX_LOOKBACK_MINUTES * 60_000).toISOString();
    let cursor = after === undefined || after < oldest ? (after === undefined ? new Date(now.getTime() - 60_000).toISOString() : oldest) : after;
    const events: TaskfleetEvent[] = [];
    // A stream batch that is retried appends its events again: the stable ids drop the copies.
    const seen = new Set<string>();
    for (let bucket = new Date(`${minute(cursor)}:00.000Z`); minute(bucket.toISOString()) <= minute(horizon); bucket = new Date(bucket.getTime() + 60_000)) {
      const { Items } = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :after AND :horizon',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
          ExpressionAttributeValues: { ':pk': partition(tenant, minute(bucket.toISOString())), ':after': `${cursor}\u0000`, ':horizon': horizon },
          Limit: limit,
        }),
      );
      for (const item of Items ?? []) {
        for (const event of JSON.parse(String(item.eventsJson)) as TaskfleetEvent[]) {
          if (!seen.has(event.id)) events.push(event);
          seen.add(event.id);
        }
        cursor = String(item[TABLE.sortKey]);
        if (events.length >= limit) return { events, next: cursor };
      }
    }
    // Everything up to the horizon has been read: the next read starts there.
    return { events, next: cursor > horizon ? cursor : horizon };
  }
}

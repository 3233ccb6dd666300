import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReadyTenant, ReadyTenants } from '../../ports/backlog.js';
import { TABLE } from '../../topology/table.js';
import { queryPages } from './query-pages.js';

/** A mark lives two days past its last renewal; the sweep renews it daily while work waits. */
const LIFETIME_SECONDS = 2 * 24 * 3600;
/** Marks this container wrote within this long are not written again (a busy tenant: one write per 5 minutes). */
const REWRITE_AFTER_MS = 5 * 60_000;

/**
 * `READY#<pool>` / `<tenant>`: one small item per tenant with work in an agent pool,
 * one partition per pool (written at most every 5 minutes per tenant and container,
 * so far below a partition's 1,000 writes/s). The table's TTL removes a mark whose
 * tenant has had no waiting work for two days.
 */
export class DynamoDbReadyTenants implements ReadyTenants {
  private readonly written = new Map<string, number>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async mark(entries: readonly { readonly tenant: string; readonly pool: string }[], at: Date): Promise<void> {
    const fresh = new Map<string, { tenant: string; pool: string }>();
    for (const e of entries) {
      const k = `${e.pool}\u0000${e.tenant}`;
      if (at.getTime() - (this.written.get(k) ?? -Infinity) >= REWRITE_AFTER_MS) fresh.set(k, e);
    }
    await Promise.all(
      [...fresh].map(async ([k, { tenant, pool }]) => {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { [TABLE.partitionKey]: `READY#${pool}`, [TABLE.sortKey]: tenant },
            UpdateExpression: 'SET #seen = :seen, #ttl = :ttl',
            ExpressionAttributeNames: { '#seen': 'seenAt', '#ttl': TABLE.ttlAttribute },
            ExpressionAttributeValues: { ':seen': at.toISOString(), ':ttl': Math.floor(at.getTime() / 1000) + LIFETIME_SECONDS },
          }),
        );
        this.written.set(k, at.getTime());
      }),
    );
  }

  async list(pool: string, now: Date): Promise<readonly ReadyTenant[]> {
    const marks: ReadyTenant[] = [];
    const pages = queryPages(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      ExpressionAttributeValues: { ':pk': `READY#${pool}` },
    });
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const expires = Number(item[TABLE.ttlAttribute]) * 1000;
        // TTL deletes lag by up to days: a lapsed mark is ignored until it goes.
        if (expires > now.getTime()) marks.push({ tenant: String(item[TABLE.sortKey]), seenAt: String(item.seenAt), expiresAt: new Date(expires).toISOString() });
      }
    }
    return marks;
  }
}

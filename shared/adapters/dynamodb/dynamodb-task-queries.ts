import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { DISPATCH_DEFAULTS } from '../../domain/dispatch.js';
import type { Due } from '../../domain/task.js';
import type { DueTask, ListTasksQuery, Page, ReadyTask, TaskQueries, TaskSummary } from '../../ports/task-queries.js';
import { TABLE } from '../../topology/table.js';
import { decodeListCursor, encodeListCursor, summaryOf, wantsItem } from '../task-list.js';
import { DynamoDbTaskRecords } from './dynamodb-task-records.js';
import { dueShardKey, INDEXED_STATUSES, listShardKey, readyShardKey, statusShardKey } from './task-item.js';
import { queryPages } from './query-pages.js';

/**
 * Queries over the sharded indexes: every shard is queried in parallel and the
 * pages are merged by sort key, so no query reads a tenant's whole history and no
 * partition is hot (docs/architecture.md, "Data layer").
 */
export class DynamoDbTaskQueries implements TaskQueries {
  private readonly records: DynamoDbTaskRecords;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly readyShards = DISPATCH_DEFAULTS.readyShards,
  ) {
    this.records = new DynamoDbTaskRecords(db, tableName);
  }

  /**
   * Newest first (or oldest with `order: 'asc'`), `limit` at a time. The cursor is
   * the last key shown, so a page is "the next `limit` keys past it" in every shard.
   * A status filter the `status` index does not hold (PENDING, ACTIVE, COMPLETED)
   * is applied to the records read for the page, so such a page may hold fewer
   * than `limit` tasks and still have a next one.
   */
  async list(query: ListTasksQuery): Promise<Page<TaskSummary>> {
    const indexed = query.status !== undefined && (INDEXED_STATUSES as readonly string[]).includes(query.status);
    const index = indexed ? TABLE.indexes.status : TABLE.indexes.list;
    const descending = query.order !== 'asc';
    const after = query.cursor === undefined ? undefined : decodeListCursor(query.cursor);
    const shardKeys = Array.from({ length: TABLE.listShards }, (_, n) =>
      indexed ? statusShardKey(query.tenant, query.status as string, n) : listShardKey(query.tenant, n),
    );
    const filters: string[] = [];
    const names: Record<string, string> = { '#pk': index.partitionKey, ...(after !== undefined ? { '#sk': index.sortKey } : {}) };
    const values: Record<string, unknown> = {};
    if (query.pool !== undefined) {
      filters.push('#pool = :pool');
      names['#pool'] = 'pool';
      values[':pool'] = query.pool;
    }
    if (query.type !== undefined) {
      filters.push('#type = :type');
      names['#type'] = 'type';
      values[':type'] = query.type;
    }
    const pages = await Promise.all(
      shardKeys.map((pk) =>
        this.queryAll({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: after === undefined ? '#pk = :pk' : `#pk = :pk AND #sk ${descending ? '<' : '>'} :after`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':pk': pk, ...(after !== undefined ? { ':after': after } : {}) },
          ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
          ScanIndexForward: !descending,
        }, query.limit),
      ),
    );
    const keyed = pages
      .flat()
      .map((item) => ({ key: String(item[index.sortKey]), id: String(item.id) }))
      .sort((a, b) => (descending ? b.key.localeCompare(a.key) : a.key.localeCompare(b.key)));
    const page = keyed.slice(0, query.limit);
    const tasks = await this.records.getMany(query.tenant, page.map((p) => p.id));
    const items = tasks.filter((task) => wantsItem(task, query)).map(summaryOf);
    const more = keyed.length > query.limit || pages.some((p) => p.length >= query.limit);
    const last = page.at(-1);
    return more && last !== undefined ? { items, nextCursor: encodeListCursor(last.key) } : { items };
  }

  /** Up to `limit` items of one shard past the key condition, following pages (a filter can thin a page). */
  private async queryAll(input: QueryCommandInput, limit: number): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for await (const page of queryPages(this.db, { ...input, Limit: limit })) {
      items.push(...(page.Items ?? []));
      if (items.length >= limit) break;
    }
    return items.slice(0, limit);
  }

  async ready(tenant: string, pool: string, perShard: number): Promise<readonly ReadyTask[]> {
    const { ready } = TABLE.indexes;
    const shards = await Promise.all(
      Array.from({ length: this.readyShards }, (_, n) =>
        this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: ready.name,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': ready.partitionKey },
            ExpressionAttributeValues: { ':pk': readyShardKey(tenant, pool, n) },
            Limit: perShard,
          }),
        ),
      ),
    );
    return shards
      .flatMap((page) => page.Items ?? [])
      .map((item): ReadyTask => {
        const task: Record<string, unknown> = { readyKey: String(item[ready.sortKey]) };
        for (const name of ready.projection) if (item[name] !== undefined) task[name] = item[name];
        return task as unknown as ReadyTask;
      })
      .sort((a, b) => a.readyKey.localeCompare(b.readyKey));
  }

  async legacyLeaseTimers(before: Date, limit: number): Promise<readonly { tenant: string; id: string }[]> {
    return (await this.dueOf('lease', before, limit)).map(({ tenant, id }) => ({ tenant, id }));
  }

  async due(kind: Due['kind'], before: Date, limit: number): Promise<readonly DueTask[]> {
    return this.dueOf(kind, before, limit);
  }

  private async dueOf(kind: string, before: Date, limit: number): Promise<readonly DueTask[]> {
    const { due } = TABLE.indexes;
    const shards = await Promise.all(
      Array.from({ length: TABLE.dueShards }, (_, n) =>
        this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: due.name,
            KeyConditionExpression: '#pk = :pk AND #sk <= :before',
            ExpressionAttributeNames: { '#pk': due.partitionKey, '#sk': due.sortKey },
            // `~` sorts after every tenant and id character, so the instant itself is included.
            ExpressionAttributeValues: { ':pk': dueShardKey(kind, n), ':before': `${before.toISOString()}#~` },
            Limit: limit,
          }),
        ),
      ),
    );
    return shards
      .flatMap((page) => page.Items ?? [])
      .map((item): DueTask => ({ tenant: String(item.tenant), id: String(item.id), due: { kind: kind as Due['kind'], at: String(item.dueAt) } }))
      .sort((a, b) => a.due.at.localeCompare(b.due.at))
      .slice(0, limit);
  }
}


import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DISPATCH_DEFAULTS } from '../../domain/dispatch.js';
import type { Due, Task } from '../../domain/task.js';
import type { DueTask, ListTasksQuery, Page, ReadyTask, TaskQueries, TaskSummary } from '../../ports/task-queries.js';
import { TABLE } from '../../topology/table.js';
import { decodeListCursor, encodeListCursor, summaryOf, wantsItem } from '../task-list.js';
import { DynamoDbTaskRecords } from './dynamodb-task-records.js';
import { firstOfShards } from './shard-merge.js';
import { dueShardKey, fromTaskItem, INDEXED_STATUSES, LISTED_TASK_SK_PREFIX, listShardKey, readyShardKey, statusShardKey } from './task-item.js';

/** Where tasks are listed: the table's own shards, the `list` index (tasks written before those), the `status` index. */
type ListSource = 'table' | 'index' | 'status';

/** A listed task's key in its source, and its record when the source held it (the table's do). */
interface Listed {
  readonly key: string;
  readonly id: string;
  readonly task?: Task;
}

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
   * Newest first (or oldest with `order: 'asc'`), `limit` at a time. Tasks live in
   * two places (task-item.ts, `listedByTable`): the table's own list shards, keyed
   * `task#<UUIDv7>`, and, for tasks written before those, the `list` index, keyed
   * `<createdAt>#<id>`. Every task of the index is older than every task of the table,
   * so a listing reads the table and then the index (the index first, ascending),
   * and the cursor (the last key shown) says which it had reached. A status filter
   * the `status` index holds (FAILED, CANCELLED, EXPIRED) reads that index alone; one
   * it does not hold (PENDING, ACTIVE, COMPLETED) filters the table's items as they
   * are read, and the index's records once read, so such a page may hold fewer than
   * `limit` tasks and still have a next one.
   */
  async list(query: ListTasksQuery): Promise<Page<TaskSummary>> {
    const indexed = query.status !== undefined && (INDEXED_STATUSES as readonly string[]).includes(query.status);
    const descending = query.order !== 'asc';
    const after = query.cursor === undefined ? undefined : decodeListCursor(query.cursor);
    const inTable = after?.startsWith(LISTED_TASK_SK_PREFIX) === true;
    // The cursor's own place first, then those that come after it in this order.
    const order: readonly ListSource[] = descending ? ['table', 'index'] : ['index', 'table'];
    const from = after === undefined ? 0 : order.indexOf(inTable ? 'table' : 'index');
    const sources: readonly ListSource[] = indexed ? ['status'] : order.slice(from);
    // One key past the page tells whether there is a next one.
    const found: Listed[] = [];
    for (const [n, source] of sources.entries()) {
      const want = query.limit + 1 - found.length;
      if (want <= 0) break;
      found.push(...(await this.listSource(source, query, n === 0 ? after : undefined, want, descending)));
    }
    const page = found.slice(0, query.limit);
    const read = await this.records.getMany(query.tenant, page.flatMap((p) => (p.task === undefined ? [p.id] : [])));
    const byId = new Map(read.map((task) => [task.id, task]));
    const items = page.flatMap((p) => p.task ?? byId.get(p.id) ?? []).filter((task) => wantsItem(task, query)).map(summaryOf);
    const last = page.at(-1);
    return found.length > query.limit && last !== undefined ? { items, nextCursor: encodeListCursor(last.key) } : { items };
  }

  /** Up to `want` keys of one place tasks are listed, past `after`, in order; the table's come with their task. */
  private async listSource(
    source: ListSource,
    query: ListTasksQuery,
    after: string | undefined,
    want: number,
    descending: boolean,
  ): Promise<Listed[]> {
    const index = source === 'status' ? TABLE.indexes.status : source === 'index' ? TABLE.indexes.list : undefined;
    const sortKey = index?.sortKey ?? TABLE.sortKey;
    const filters: string[] = [];
    const names: Record<string, string> = { '#pk': index?.partitionKey ?? TABLE.partitionKey, ...(after !== undefined ? { '#sk': sortKey } : {}) };
    const values: Record<string, unknown> = {};
    const filter = { pool: query.pool, type: query.type, ...(source === 'table' ? { status: query.status } : {}) };
    for (const [name, value] of Object.entries(filter)) {
      if (value === undefined) continue;
      filters.push(`#${name} = :${name}`);
      names[`#${name}`] = name;
      values[`:${name}`] = value;
    }
    const shards = source === 'table' ? TABLE.taskShards : TABLE.listShards;
    const places = Array.from({ length: shards }, (_, n) => ({
      pk: source === 'status' ? statusShardKey(query.tenant, query.status as string, n) : listShardKey(query.tenant, n),
      start: undefined as Record<string, unknown> | undefined,
    }));
    const found = await firstOfShards(shards, want, descending, async (shard, limit) => {
      const place = places[shard] as (typeof places)[number];
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          ...(index !== undefined ? { IndexName: index.name } : { ConsistentRead: false }),
          KeyConditionExpression: after === undefined ? '#pk = :pk' : `#pk = :pk AND #sk ${descending ? '<' : '>'} :after`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':pk': place.pk, ...(after !== undefined ? { ':after': after } : {}) },
          ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
          ...(place.start !== undefined ? { ExclusiveStartKey: place.start } : {}),
          ScanIndexForward: !descending,
          Limit: limit,
        }),
      );
      place.start = page.LastEvaluatedKey;
      return {
        items: (page.Items ?? []).map((item) => ({ key: String(item[sortKey]), item })),
        ...(page.LastEvaluatedKey !== undefined ? { frontier: String(page.LastEvaluatedKey[sortKey]) } : {}),
      };
    });
    return found.map(({ key, item }) => (index === undefined ? { key, id: String(item.id), task: fromTaskItem(item) } : { key, id: String(item.id) }));
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


import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { minuteOf, type MinuteAggregate, type MinuteCounts, type MinuteDeltas } from '../../domain/minute-aggregates.js';
import { PRIORITIES, priorityRank, type Priority } from '../../domain/priority.js';
import type { MinuteAggregates, MinuteSeries } from '../../ports/minute-aggregates.js';
import { TABLE } from '../../topology/table.js';
import { queryPages } from './query-pages.js';
import { counterUpdate, countsPartition } from './dynamodb-task-counters.js';

/** Shards of a minute: concurrent stream batches (one per stream shard) rarely write the same item. */
const SHARDS = 4;
/** A minute is kept a day and a bit: the dashboard's longest window is a day. */
const MINUTE_TTL_SECONDS = 26 * 3600;
/**
 * Where the depth was kept before it moved into the counter items: sorts after every
 * `m#…` key, so the minutes' query still reads what a stack wrote there before.
 */
const LEGACY_DEPTH_PREFIX = '~depth#';
/** The string set on a minute item of the writes it has taken (see `minuteItemUpdates`). */
const ONCE_ATTRIBUTE = 'once';

const partition = (tenant: string): string => `${tenant}#minutes`;

type Update = {
  TableName: string;
  Key: Record<string, string>;
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, number | Set<string> | string>;
  ConditionExpression?: string;
};

/** `ADD name :value` for each non-zero value, and `SET` of the TTL when given. */
function addUpdate(tableName: string, key: Record<string, string>, values: ReadonlyMap<string, number>, ttl?: number): Update | undefined {
  const entries = [...values].filter(([, n]) => n !== 0);
  if (entries.length === 0) return undefined;
  const names: Record<string, string> = Object.fromEntries(entries.map(([name], i) => [`#a${i}`, name]));
  const vals: Update['ExpressionAttributeValues'] = Object.fromEntries(entries.map(([, n], i) => [`:a${i}`, n]));
  let expression = `ADD ${entries.map((_, i) => `#a${i} :a${i}`).join(', ')}`;
  if (ttl !== undefined) {
    names['#ttl'] = TABLE.ttlAttribute;
    vals[':ttl'] = ttl;
    expression += ' SET #ttl = :ttl';
  }
  return { TableName: tableName, Key: key, UpdateExpression: expression, ExpressionAttributeNames: names, ExpressionAttributeValues: vals };
}

/**
 * A minute's sums as the item's numeric attributes: `q<rank>_<bucket>` per sketch bucket,
 * `w<rank>` per depth change (rank: 0 critical … 3 low). Short names: a busy minute holds
 * a few hundred buckets, and every byte of them is read by each /stats call.
 */
const queueName = (p: Priority, bucket: number | string): string => `q${priorityRank(p)}_${bucket}`;
const waitName = (p: Priority): string => `w${priorityRank(p)}`;

function attributesOf(m: MinuteCounts): Map<string, number> {
  const out = new Map<string, number>([
    ['completed', m.completed],
    ['failed', m.failed],
    ['retried', m.retried],
    ['deadlinesMet', m.deadlinesMet],
    ['deadlinesMissed', m.deadlinesMissed],
  ]);
  for (const [p, h] of Object.entries(m.queueTime)) for (const [b, n] of Object.entries(h)) out.set(queueName(p as Priority, b), n);
  for (const [p, n] of Object.entries(m.waiting)) out.set(waitName(p as Priority), n);
  return out;
}

function fromItem(item: Record<string, unknown>): MinuteAggregate {
  const num = (name: string): number => Number(item[name] ?? 0);
  const queueTime: Partial<Record<Priority, Record<number, number>>> = {};
  const waiting: Partial<Record<Priority, number>> = {};
  for (const [name, value] of Object.entries(item)) {
    const q = /^q(\d)_(\d+)$/.exec(name);
    const qp = PRIORITIES[Number(q?.[1])];
    if (q !== null && qp !== undefined) queueTime[qp] = { ...(queueTime[qp] ?? {}), [Number(q[2])]: Number(value) };
    const w = /^w(\d)$/.exec(name);
    const wp = PRIORITIES[Number(w?.[1])];
    if (w !== null && wp !== undefined) waiting[wp] = Number(value);
  }
  return {
    minute: String(item[TABLE.sortKey]).slice(2, 18),
    completed: num('completed'),
    failed: num('failed'),
    retried: num('retried'),
    deadlinesMet: num('deadlinesMet'),
    deadlinesMissed: num('deadlinesMissed'),
    queueTime,
    waiting,
  };
}

/**
 * The writes that add a batch's minute deltas: per tenant, one ADD per minute touched
 * (`<tenant>#minutes` / `m#<minute>#<shard>`, TTL a day). Plain ADDs, so they can sit in
 * the stream batch's transaction beside its mark and counters. With `once` (a token of
 * the batch's counted range) each write is also conditional on the item not having
 * taken that token yet, and adds it to the item's set: outside a transaction, the same
 * range written again (a retried call, a batch delivered again) is refused, not added twice.
 */
export function minuteItemUpdates(tableName: string, deltas: MinuteDeltas, random: () => number = Math.random, once?: string): Update[] {
  const updates: Update[] = [];
  // With a token the shard comes from it: a write again must reach the item that holds the token.
  const shard = (): number => (once === undefined ? Math.floor(random() * SHARDS) : (once.codePointAt(0) ?? 0) % SHARDS);
  for (const [tenant, minutes] of deltas) {
    for (const [minute, counts] of minutes) {
      const ttl = Math.floor(Date.parse(`${minute}:00Z`) / 1000) + MINUTE_TTL_SECONDS;
      const update = addUpdate(tableName, { [TABLE.partitionKey]: partition(tenant), [TABLE.sortKey]: `m#${minute}#${shard()}` }, attributesOf(counts), ttl);
      if (update === undefined) continue;
      if (once === undefined) updates.push(update);
      else {
        const [add, set] = update.UpdateExpression.split(' SET ');
        updates.push({
          ...update,
          UpdateExpression: `${add}, #once :onceSet SET ${set}`,
          ConditionExpression: 'NOT contains(#once, :once)',
          ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#once': ONCE_ATTRIBUTE },
          ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':once': once, ':onceSet': new Set([once]) },
        });
      }
    }
  }
  return updates;
}

/**
 * Each tenant's net change of PENDING tasks per priority in the deltas (`w<rank>`): a
 * running sum like the counts by status, so it is added to the tenant's counter item
 * (counterUpdate's `alongside`) in the same write, not to an item of its own.
 */
export function depthOf(deltas: MinuteDeltas): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const [tenant, minutes] of deltas) {
    const depth = new Map<string, number>();
    for (const counts of minutes.values()) {
      for (const [p, n] of Object.entries(counts.waiting)) depth.set(waitName(p as Priority), (depth.get(waitName(p as Priority)) ?? 0) + n);
    }
    if ([...depth.values()].some((n) => n !== 0)) out.set(tenant, depth);
  }
  return out;
}

export class DynamoDbMinuteAggregates implements MinuteAggregates {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly random: () => number = Math.random,
  ) {}

  async add(deltas: MinuteDeltas): Promise<void> {
    const depth = [...depthOf(deltas)].map(([tenant, d]) => counterUpdate(this.tableName, tenant, {}, this.random, d));
    await Promise.all([...minuteItemUpdates(this.tableName, deltas, this.random), ...depth].map((u) => this.db.send(new UpdateCommand(u))));
  }

  /**
   * One query (paged past 1 MB only for a long window) for the minutes from `since`, and
   * one of the counter items for the depth. Eventually consistent: a chart a second behind is fine.
   */
  async read(tenant: string, since: Date): Promise<MinuteSeries> {
    const minutes: MinuteAggregate[] = [];
    const waiting = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
    const addDepth = (item: Record<string, unknown>): void => {
      for (const p of PRIORITIES) waiting[p] += Number(item[waitName(p)] ?? 0);
    };
    const readMinutes = async (): Promise<void> => {
      const pages = queryPages(this.db, {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
        ExpressionAttributeValues: { ':pk': partition(tenant), ':from': `m#${minuteOf(since)}`, ':to': `${LEGACY_DEPTH_PREFIX}~` },
      });
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          if (String(item[TABLE.sortKey]).startsWith(LEGACY_DEPTH_PREFIX)) addDepth(item);
          else minutes.push(fromItem(item));
        }
      }
    };
    const readDepth = async (): Promise<void> => {
      const pages = queryPages(this.db, {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        ExpressionAttributeValues: { ':pk': countsPartition(tenant) },
      });
      for await (const page of pages) for (const item of page.Items ?? []) addDepth(item);
    };
    await Promise.all([readMinutes(), readDepth()]);
    // Depth counts start when aggregates do: a total below zero can only be that, never shown.
    for (const p of PRIORITIES) waiting[p] = Math.max(0, waiting[p]);
    return { minutes, waiting };
  }
}

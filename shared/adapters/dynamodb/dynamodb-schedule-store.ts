import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import type { Schedule } from '../../domain/schedule.js';
import type { DueRef, ScheduleChanges, ScheduleStore } from '../../ports/schedule-store.js';
import { mapWithConcurrency } from '../../concurrency.js';
import { tenantKey } from '../../topology/keys.js';
import { TABLE } from '../../topology/table.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Items (pk / sk):
 *   <tenant>#schedule#<id>   / schedule                        the schedule; listed through the
 *                                                               list index under `<tenant>#schedules`
 *   SCHEDULE#DUE#<shard>     / <nextRunAt ISO>#<tenant>#<id>   its due time, while it has one
 *
 * The due items are the due-time index: the tick queries each shard for sort keys
 * ≤ now (ISO times of one length sort as strings), no GSI needed, strongly
 * consistent. Sharding by a hash of tenant and id spreads their writes. A schedule
 * and its due item only change together, in one transaction whose condition is the
 * schedule's nextRunAt as the writer read it — so two ticks cannot both advance a
 * schedule, and a due item always names its schedule's current nextRunAt.
 * Of a schedule's attributes the list index projects only id and tenant, which never
 * change: advancing, pausing and resuming write no index entry.
 */
export const DUE_SHARDS = 4;
const SCHEDULE_SK = 'schedule';
const ATTRIBUTES = [
  'id', 'tenant', 'cron', 'every', 'timezone', 'startAt', 'endAt', 'task', 'overlap', 'catchUp', 'status',
  'nextRunAt', 'lastRunAt', 'lastTaskId', 'runs', 'skipped', 'createdAt',
] as const;
/** Transaction conflicts retried before a write reports it lost (another writer did commit). */
const CONFLICT_RETRIES = 3;

const scheduleKey = (tenant: string, id: string): Record<string, string> => ({
  [TABLE.partitionKey]: tenantKey(tenant, 'schedule', id),
  [TABLE.sortKey]: SCHEDULE_SK,
});

export function dueShard(tenant: string, id: string): number {
  return createHash('sha256').update(`${tenant}#${id}`).digest().readUInt32BE(0) % DUE_SHARDS;
}

const dueKey = (tenant: string, id: string, nextRunAt: string): Record<string, string> => ({
  [TABLE.partitionKey]: `SCHEDULE#DUE#${dueShard(tenant, id)}`,
  [TABLE.sortKey]: `${nextRunAt}#${tenant}#${id}`,
});

export class DynamoDbScheduleStore implements ScheduleStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(schedule: Schedule): Promise<void> {
    const { list } = TABLE.indexes;
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...scheduleKey(schedule.tenant, schedule.id),
            ...withoutTemplate(schedule),
            // The template as JSON text, like a task's payload: DynamoDB's numbers and the
            // marshaller's type detection never see the caller's values (1e-300, a `constructor` key).
            [TEMPLATE_JSON]: JSON.stringify(schedule.task),
            [list.partitionKey]: `${schedule.tenant}#schedules`,
            [list.sortKey]: `${schedule.createdAt}#${schedule.id}`,
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        },
      },
    ];
    if (schedule.nextRunAt !== undefined) items.push(this.putDue(schedule.tenant, schedule.id, schedule.nextRunAt));
    await this.db.send(new TransactWriteCommand({ TransactItems: items }));
  }

  async get(tenant: string, id: string): Promise<Schedule | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: scheduleKey(tenant, id), ConsistentRead: true }));
    return Item === undefined ? undefined : toSchedule(Item);
  }

  async list(tenant: string, limit: number): Promise<readonly Schedule[]> {
    const { list } = TABLE.indexes;
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: list.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': list.partitionKey },
        ExpressionAttributeValues: { ':pk': `${tenant}#schedules` },
        Limit: limit,
      }),
    );
    // The index carries only the list attributes: read each schedule whole.
    const found = await mapWithConcurrency(page.Items ?? [], 8, (item) => this.get(tenant, String(item.id)));
    return found.filter((s): s is Schedule => s !== undefined);
  }

  async delete(tenant: string, id: string): Promise<boolean> {
    for (let attempt = 0; ; attempt += 1) {
      const current = await this.get(tenant, id);
      if (current === undefined) return false;
      // Conditional on the nextRunAt read, so the due item deleted is the one that exists.
      const items: TransactItem[] = [{ Delete: { TableName: this.tableName, Key: scheduleKey(tenant, id), ...casCondition(current.nextRunAt) } }];
      if (current.nextRunAt !== undefined) items.push({ Delete: { TableName: this.tableName, Key: dueKey(tenant, id, current.nextRunAt) } });
      if (await this.transact(items)) return true;
      if (attempt >= CONFLICT_RETRIES) throw new Error(`schedule ${id} kept changing while being deleted`);
    }
  }

  async update(tenant: string, id: string, expectedNextRunAt: string | undefined, changes: ScheduleChanges): Promise<Schedule | undefined> {
    const sets: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      sets.push(`#${field} = :${field}`);
      names[`#${field}`] = field;
      values[`:${field}`] = value;
    }
    const removeNext = changes.nextRunAt === undefined;
    if (removeNext) names['#nextRunAt'] = 'nextRunAt';
    const condition = casCondition(expectedNextRunAt);
    const allValues = { ...values, ...condition.ExpressionAttributeValues };
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.tableName,
          Key: scheduleKey(tenant, id),
          UpdateExpression: `${sets.length > 0 ? `SET ${sets.join(', ')}` : ''}${removeNext ? ' REMOVE #nextRunAt' : ''}`.trim(),
          ConditionExpression: condition.ConditionExpression,
          ExpressionAttributeNames: { ...names, ...condition.ExpressionAttributeNames },
          // DynamoDB refuses an empty value map.
          ...(Object.keys(allValues).length > 0 ? { ExpressionAttributeValues: allValues } : {}),
        },
      },
    ];
    if (expectedNextRunAt !== changes.nextRunAt) {
      if (expectedNextRunAt !== undefined) items.push({ Delete: { TableName: this.tableName, Key: dueKey(tenant, id, expectedNextRunAt) } });
      if (changes.nextRunAt !== undefined) items.push(this.putDue(tenant, id, changes.nextRunAt));
    }
    for (let attempt = 0; attempt <= CONFLICT_RETRIES; attempt += 1) {
      const outcome = await this.transact(items);
      if (outcome) return this.get(tenant, id);
      // Lost: either the condition failed for good, or a conflicting transaction cancelled
      // ours; in the second case retry while the schedule still shows what we read.
      const now = await this.get(tenant, id);
      if (now === undefined || now.nextRunAt !== expectedNextRunAt) return undefined;
    }
    return undefined;
  }

  async due(now: Date, limit: number): Promise<readonly DueRef[]> {
    const refs = (await Promise.all(Array.from({ length: DUE_SHARDS }, (_, shard) => this.queryDue(shard, now, limit)))).flat();
    return refs.sort((a, b) => a.nextRunAt.localeCompare(b.nextRunAt)).slice(0, limit);
  }

  async earliestDue(): Promise<Date | undefined> {
    const firsts = (await Promise.all(Array.from({ length: DUE_SHARDS }, (_, shard) => this.queryDue(shard, undefined, 1)))).flat();
    const times = firsts.map((ref) => ref.nextRunAt).sort();
    return times[0] === undefined ? undefined : new Date(times[0]);
  }

  private async queryDue(shard: number, now: Date | undefined, limit: number): Promise<DueRef[]> {
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        // '~' sorts after every character of a tenant or an id, so `<now>#~` bounds all of `now`'s items.
        KeyConditionExpression: now === undefined ? '#pk = :pk' : '#pk = :pk AND #sk <= :bound',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, ...(now === undefined ? {} : { '#sk': TABLE.sortKey }) },
        ExpressionAttributeValues: { ':pk': `SCHEDULE#DUE#${shard}`, ...(now === undefined ? {} : { ':bound': `${now.toISOString()}#~` }) },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return (Items ?? []).map((item) => ({ tenant: String(item.tenant), id: String(item.id), nextRunAt: String(item.nextRunAt) }));
  }

  private putDue(tenant: string, id: string, nextRunAt: string): TransactItem {
    return { Put: { TableName: this.tableName, Item: { ...dueKey(tenant, id, nextRunAt), tenant, id, nextRunAt } } };
  }

  /** true when committed; false when cancelled by a condition or a conflicting transaction. */
  private async transact(items: TransactItem[]): Promise<boolean> {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }
}

/** The schedule exists and its nextRunAt is `expected` (or absent when undefined). */
function casCondition(expected: string | undefined): {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  return expected === undefined
    ? {
        ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#expectedNext)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#expectedNext': 'nextRunAt' },
      }
    : {
        ConditionExpression: 'attribute_exists(#pk) AND #expectedNext = :expectedNext',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#expectedNext': 'nextRunAt' },
        ExpressionAttributeValues: { ':expectedNext': expected },
      };
}

/** The attribute holding the template's JSON; items written before it hold the template as a map in `task`. */
const TEMPLATE_JSON = 'taskJson';

function withoutTemplate(schedule: Schedule): Omit<Schedule, 'task'> {
  const { task: _task, ...rest } = schedule;
  return rest;
}

function toSchedule(item: Record<string, unknown>): Schedule {
  const schedule: Record<string, unknown> = {};
  for (const name of ATTRIBUTES) if (item[name] !== undefined) schedule[name] = item[name];
  const json = item[TEMPLATE_JSON];
  if (typeof json === 'string') schedule.task = JSON.parse(json) as unknown;
  return schedule as unknown as Schedule;
}

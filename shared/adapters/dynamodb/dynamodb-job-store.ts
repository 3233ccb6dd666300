import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decodeListCursor, encodeListCursor } from '../task-list.js';
import { queryPages } from './query-pages.js';
import { sumShards, type ChildCounts, type Job, type JobStatus } from '../../domain/job.js';
import type { JobPatch, JobStore } from '../../ports/job-store.js';
import type { Page } from '../../ports/task-queries.js';
import { TABLE } from '../../topology/table.js';
import { tenantKey } from '../../topology/keys.js';
import { shardOf } from '../../domain/dispatch.js';

/**
 * A job is `<tenant>#job#<id>` / `job`; its counters are `<tenant>#job#<id>` /
 * `count#<nn>` (written by the task records, in the same transaction as each
 * child's final transition). While RUNNING or REDUCING a job also sits in the
 * `due` index under `DUE#job#<n>` (a system key no tenant's can equal), which is
 * how the reconciler finds the ones to check. A tenant's jobs are listed through
 * the `list` index under `<tenant>#jobs`.
 */
const jobKey = (tenant: string, id: string): Record<string, string> => ({ [TABLE.partitionKey]: tenantKey(tenant, 'job', id), [TABLE.sortKey]: 'job' });
const activeKeys = (job: Pick<Job, 'id' | 'tenant' | 'createdAt'>): Record<string, string> => ({
  [TABLE.indexes.due.partitionKey]: `DUE#job#${shardOf(job.id, TABLE.dueShards)}`,
  [TABLE.indexes.due.sortKey]: `${job.createdAt}#${job.tenant}#${job.id}`,
});
const ATTRIBUTES = [
  'id', 'tenant', 'status', 'total', 'mapType', 'reduceType', 'thenType', 'priority', 'requires', 'pool',
  'failurePolicy', 'childrenEnqueued', 'reduceTaskId', 'error', 'createdAt', 'updatedAt', 'finishedAt',
] as const;

/** A job item (as stored, or a stream image unmarshalled) → the job. */
export function fromJobItem(item: Record<string, unknown>): Job {
  const job: Record<string, unknown> = {};
  for (const name of ATTRIBUTES) if (item[name] !== undefined) job[name] = item[name];
  return job as unknown as Job;
}

export class DynamoDbJobStore implements JobStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(job: Job): Promise<void> {
    const { list } = TABLE.indexes;
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...jobKey(job.tenant, job.id), ...job, ...activeKeys(job), [list.partitionKey]: `${job.tenant}#jobs`, [list.sortKey]: `${job.createdAt}#${job.id}` },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      }),
    );
  }

  async get(tenant: string, id: string): Promise<Job | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: jobKey(tenant, id), ConsistentRead: true }));
    return Item === undefined ? undefined : fromJobItem(Item);
  }

  async counts(tenant: string, id: string): Promise<ChildCounts> {
    const shards: Partial<ChildCounts>[] = [];
    const pages = queryPages(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :shard)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
      ExpressionAttributeValues: { ':pk': tenantKey(tenant, 'job', id), ':shard': 'count#' },
      ConsistentRead: true,
    });
    for await (const page of pages) for (const item of page.Items ?? []) shards.push(item as Partial<ChildCounts>);
    return sumShards(shards);
  }

  async transition(tenant: string, id: string, from: readonly JobStatus[], patch: JobPatch, now: Date): Promise<boolean> {
    const { due } = TABLE.indexes;
    const finished = patch.status !== 'RUNNING' && patch.status !== 'REDUCING';
    const values: Record<string, unknown> = { ':status': patch.status, ':now': now.toISOString() };
    // Every name through a placeholder: `error` is a DynamoDB reserved word.
    const names: Record<string, string> = { '#status': 'status', '#updatedAt': 'updatedAt' };
    const sets = ['#status = :status', '#updatedAt = :now'];
    for (const field of ['reduceTaskId', 'error', 'finishedAt'] as const) {
      if (patch[field] !== undefined) {
        sets.push(`#${field} = :${field}`);
        names[`#${field}`] = field;
        values[`:${field}`] = patch[field];
      }
    }
    from.forEach((status, i) => (values[`:from${i}`] = status));
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(tenant, id),
          // A finished job leaves the active index.
          UpdateExpression: `SET ${sets.join(', ')}${finished ? ' REMOVE #apk, #ask' : ''}`,
          ConditionExpression: `#status IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
          ExpressionAttributeNames: { ...names, ...(finished ? { '#apk': due.partitionKey, '#ask': due.sortKey } : {}) },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async markChildrenEnqueued(tenant: string, id: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({ TableName: this.tableName, Key: jobKey(tenant, id), UpdateExpression: 'SET childrenEnqueued = :yes', ExpressionAttributeValues: { ':yes': true } }),
    );
  }

  async listActive(limit: number): Promise<readonly Job[]> {
    const { due } = TABLE.indexes;
    const pages = await Promise.all(
      Array.from({ length: TABLE.dueShards }, (_, n) =>
        this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: due.name,
            KeyConditionExpression: '#pk = :active',
            ExpressionAttributeNames: { '#pk': due.partitionKey },
            ExpressionAttributeValues: { ':active': `DUE#job#${n}` },
            Limit: limit,
          }),
        ),
      ),
    );
    const found = pages.flatMap((page) => page.Items ?? []).sort((a, b) => String(a[due.sortKey]).localeCompare(String(b[due.sortKey]))).slice(0, limit);
    const jobs = await Promise.all(found.map((item) => this.get(String(item.tenant), String(item.id))));
    return jobs.filter((job): job is Job => job !== undefined);
  }

  /**
   * GET /jobs: the `list` index under `<tenant>#jobs` (written on create), newest
   * first, then each job read in full. The cursor is the last key shown, validated
   * like the task list's, so a crafted one is a 400, never a 500.
   */
  async listByTenant(tenant: string, limit: number, cursor?: string): Promise<Page<Job>> {
    const { list } = TABLE.indexes;
    const after = cursor === undefined ? undefined : decodeListCursor(cursor);
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: list.name,
        KeyConditionExpression: after === undefined ? '#pk = :pk' : '#pk = :pk AND #sk < :after',
        ExpressionAttributeNames: { '#pk': list.partitionKey, ...(after !== undefined ? { '#sk': list.sortKey } : {}) },
        ExpressionAttributeValues: { ':pk': `${tenant}#jobs`, ...(after !== undefined ? { ':after': after } : {}) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    const found = page.Items ?? [];
    const jobs = await Promise.all(found.map((item) => this.get(tenant, String(item.id))));
    const items = jobs.filter((job): job is Job => job !== undefined);
    const last = found.at(-1);
    return page.LastEvaluatedKey === undefined || last === undefined ? { items } : { items, nextCursor: encodeListCursor(String(last[list.sortKey])) };
  }
}

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryPages } from './query-pages.js';
import { sumShards, type ChildCounts, type Job, type JobStatus } from '../../domain/job.js';
import type { JobPatch, JobStore } from '../../ports/job-store.js';
import { TABLE } from '../../topology/table.js';

/**
 * A job is `JOB#<id>` / `JOB`; its counters are `JOB#<id>` / `SHARD#<nn>`
 * (written by the task store, in the same transaction as each child's final
 * transition). While RUNNING or REDUCING a job also sits in the byStatus index
 * under `JOBS#ACTIVE`, which is how the reconciler finds the ones to check.
 */
const jobKey = (id: string): Record<string, string> => ({ [TABLE.partitionKey]: `JOB#${id}`, [TABLE.sortKey]: 'JOB' });
const ACTIVE = 'JOBS#ACTIVE';
const ATTRIBUTES = [
  'id', 'tenant', 'status', 'total', 'mapType', 'reduceType', 'thenType', 'priority', 'requires', 'pool',
  'failurePolicy', 'childrenEnqueued', 'reduceTaskId', 'error', 'createdAt', 'updatedAt', 'finishedAt',
] as const;

export class DynamoDbJobStore implements JobStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(job: Job): Promise<void> {
    const { byStatus } = TABLE.indexes;
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...jobKey(job.id), ...job, [byStatus.partitionKey]: ACTIVE, [byStatus.sortKey]: `${job.createdAt}#${job.id}` },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      }),
    );
  }

  async get(id: string): Promise<Job | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: jobKey(id), ConsistentRead: true }));
    if (Item === undefined) return undefined;
    const job: Record<string, unknown> = {};
    for (const name of ATTRIBUTES) if (Item[name] !== undefined) job[name] = Item[name];
    return job as unknown as Job;
  }

  async counts(id: string): Promise<ChildCounts> {
    const shards: Partial<ChildCounts>[] = [];
    const pages = queryPages(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :shard)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
      ExpressionAttributeValues: { ':pk': `JOB#${id}`, ':shard': 'SHARD#' },
      ConsistentRead: true,
    });
    for await (const page of pages) for (const item of page.Items ?? []) shards.push(item as Partial<ChildCounts>);
    return sumShards(shards);
  }

  async transition(id: string, from: readonly JobStatus[], patch: JobPatch, now: Date): Promise<boolean> {
    const { byStatus } = TABLE.indexes;
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
          Key: jobKey(id),
          // A finished job leaves the active index.
          UpdateExpression: `SET ${sets.join(', ')}${finished ? ' REMOVE #apk, #ask' : ''}`,
          ConditionExpression: `#status IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
          ExpressionAttributeNames: { ...names, ...(finished ? { '#apk': byStatus.partitionKey, '#ask': byStatus.sortKey } : {}) },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async markChildrenEnqueued(id: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({ TableName: this.tableName, Key: jobKey(id), UpdateExpression: 'SET childrenEnqueued = :yes', ExpressionAttributeValues: { ':yes': true } }),
    );
  }

  async listActive(limit: number): Promise<readonly Job[]> {
    const { byStatus } = TABLE.indexes;
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: byStatus.name,
        KeyConditionExpression: '#pk = :active',
        ExpressionAttributeNames: { '#pk': byStatus.partitionKey },
        ExpressionAttributeValues: { ':active': ACTIVE },
        Limit: limit,
      }),
    );
    const jobs = await Promise.all((page.Items ?? []).map((item) => this.get(String(item.id))));
    return jobs.filter((job): job is Job => job !== undefined);
  }
}

import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decodeListCursor, encodeListCursor } from '../task-list.js';
import { queryPages } from './query-pages.js';
import { sumShards, type ChildCounts, type Job, type JobStatus } from '../../domain/job.js';
import type { ItemChunk } from '../../domain/job-expansion.js';
import { mapWithConcurrency } from '../../concurrency.js';
import type { JobPatch, JobStore } from '../../ports/job-store.js';
import type { Page } from '../../ports/task-queries.js';
import { TABLE } from '../../topology/table.js';
import { tenantKey } from '../../topology/keys.js';
import { shardOf } from '../../domain/dispatch.js';

/**
 * A job is `<tenant>#job#<id>` / `job`; its counters are `<tenant>#job#<id>` /
 * `count#<nn>` (written by the task records, in the same transaction as each
 * child's final transition). While RUNNING or REDUCING (or stopped with its
 * children still being cancelled) a job also sits in the
 * `due` index under `DUE#job#<n>` (a system key no tenant's can equal), which is
 * how the sweep finds the ones to check. A tenant's jobs are listed through
 * the `list` index under `<tenant>#jobs`.
 *
 * A job's idempotency key is `<tenant>#jobidem#<key>` / `jobidem` (a week's TTL);
 * its stored items are `<tenant>#jobchunk#<id>#<n>` / `jobchunk`, one partition
 * per chunk (a chunk is up to 350 KB: ~350 write units, so many of them in one
 * partition would pass its 1,000 units a second).
 */
const jobKey = (tenant: string, id: string): Record<string, string> => ({ [TABLE.partitionKey]: tenantKey(tenant, 'job', id), [TABLE.sortKey]: 'job' });
const activeKeys = (job: Pick<Job, 'id' | 'tenant' | 'createdAt'>): Record<string, string> => ({
  [TABLE.indexes.due.partitionKey]: `DUE#job#${shardOf(job.id, TABLE.dueShards)}`,
  [TABLE.indexes.due.sortKey]: `${job.createdAt}#${job.tenant}#${job.id}`,
});
const idemKey = (tenant: string, key: string): Record<string, string> => ({ [TABLE.partitionKey]: tenantKey(tenant, 'jobidem', key), [TABLE.sortKey]: 'jobidem' });
const chunkKey = (tenant: string, jobId: string, n: number): Record<string, string> => ({
  [TABLE.partitionKey]: tenantKey(tenant, 'jobchunk', `${jobId}#${n}`),
  [TABLE.sortKey]: 'jobchunk',
});
const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600;
/** Chunks stored at once: each is a large write. */
const CHUNK_WRITE_CONCURRENCY = 8;
const ATTRIBUTES = [
  'id', 'tenant', 'status', 'total', 'mapType', 'reduceType', 'thenType', 'priority', 'requires', 'pool',
  'failurePolicy', 'childrenEnqueued', 'reduceTaskId', 'error', 'createdAt', 'updatedAt', 'finishedAt',
  'chunkStarts', 'expanded', 'expander', 'expanderUntil', 'cancelCursor',
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

  async create(job: Job, idempotencyKey?: string): Promise<{ created: boolean; job: Job }> {
    const { list } = TABLE.indexes;
    const put = {
      TableName: this.tableName,
      Item: { ...jobKey(job.tenant, job.id), ...job, ...activeKeys(job), [list.partitionKey]: `${job.tenant}#jobs`, [list.sortKey]: `${job.createdAt}#${job.id}` },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
    };
    if (idempotencyKey === undefined) {
      await this.db.send(new PutCommand(put));
      return { created: true, job };
    }
    // The key and the job in one transaction: a key always names a job that exists.
    const key = idemKey(job.tenant, idempotencyKey);
    const expiresAt = Math.floor(Date.parse(job.createdAt) / 1000) + IDEMPOTENCY_TTL_SECONDS;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: this.tableName, Item: { ...key, jobId: job.id, [TABLE.ttlAttribute]: expiresAt }, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE.partitionKey } } },
              { Put: put },
            ],
          }),
        );
        return { created: true, job };
      } catch (error) {
        // The key's condition failed (a replay, or a concurrent first submission won),
        // or a concurrent transaction on the key conflicted: whoever holds the key wins.
        const reason = error instanceof TransactionCanceledException ? error.CancellationReasons?.[0]?.Code : undefined;
        if (reason !== 'ConditionalCheckFailed' && reason !== 'TransactionConflict') throw error;
        const id = await this.idempotent(job.tenant, idempotencyKey);
        const existing = id === undefined ? undefined : await this.get(job.tenant, id);
        if (existing !== undefined) return { created: false, job: existing };
        if (attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    }
  }

  async idempotent(tenant: string, key: string): Promise<string | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: idemKey(tenant, key), ConsistentRead: true }));
    return Item === undefined ? undefined : String(Item.jobId);
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

  /**
   * A finished job leaves the active index, except one that stops with
   * `unwind`: it keeps its place there (the sweep resumes a cancellation that
   * stopped moving) until its cancellation's last step removes it, and gets the
   * cursor at 0. An expansion hold stays: the run in hand finds the job stopped
   * at its next move, cancels its step and lets go; one that died lets go when
   * its time is up. Either way the cancellation starts after the step exists.
   */
  async transition(tenant: string, id: string, from: readonly JobStatus[], patch: JobPatch, now: Date): Promise<boolean> {
    const { due } = TABLE.indexes;
    const leaves = patch.status !== 'RUNNING' && patch.status !== 'REDUCING' && patch.unwind !== true;
    const values: Record<string, unknown> = { ':status': patch.status, ':now': now.toISOString() };
    // Every name through a placeholder: `error` is a DynamoDB reserved word.
    const names: Record<string, string> = { '#status': 'status', '#updatedAt': 'updatedAt' };
    const sets = ['#status = :status', '#updatedAt = :now'];
    const removes: string[] = [];
    for (const field of ['reduceTaskId', 'error', 'finishedAt'] as const) {
      if (patch[field] !== undefined) {
        sets.push(`#${field} = :${field}`);
        names[`#${field}`] = field;
        values[`:${field}`] = patch[field];
      }
    }
    if (patch.unwind === true) {
      sets.push('cancelCursor = :zero');
      values[':zero'] = 0;
    }
    if (leaves) {
      removes.push('#apk', '#ask');
      Object.assign(names, { '#apk': due.partitionKey, '#ask': due.sortKey });
    }
    for (const [i, status] of from.entries()) values[`:from${i}`] = status;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(tenant, id),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: `#status IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
          ExpressionAttributeNames: names,
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

  /** Items as one JSON string: its size is what CHUNK_LIMITS counted, and DynamoDB does not walk it. */
  async putChunks(tenant: string, jobId: string, chunks: readonly ItemChunk[], expiresAt: Date): Promise<void> {
    const ttl = Math.floor(expiresAt.getTime() / 1000);
    await mapWithConcurrency(chunks, CHUNK_WRITE_CONCURRENCY, async (chunk, n) => {
      await this.db.send(
        new PutCommand({ TableName: this.tableName, Item: { ...chunkKey(tenant, jobId, n), start: chunk.start, items: JSON.stringify(chunk.items), [TABLE.ttlAttribute]: ttl } }),
      );
    });
  }

  async getChunk(tenant: string, jobId: string, n: number): Promise<ItemChunk | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: chunkKey(tenant, jobId, n), ConsistentRead: true }));
    return Item === undefined ? undefined : { start: Number(Item.start), items: JSON.parse(String(Item.items)) as ItemChunk['items'] };
  }

  claimExpansion(tenant: string, id: string, run: string, until: Date, now: Date): Promise<{ job: Job; takenOver: boolean } | undefined> {
    // One run at a time: a duplicate or resent expansion message finds the
    // expansion held and leaves; a crashed run's hold ends with its time.
    return this.takeHold(tenant, id, run, until, now, {
      condition: '#status = :running AND expanded < #total',
      names: { '#total': 'total' },
      values: { ':running': 'RUNNING' },
    });
  }

  async advanceExpansion(tenant: string, id: string, step: { run: string; from: number; to: number; last: boolean }, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(tenant, id),
          UpdateExpression: `SET expanded = :to, updatedAt = :now${step.last ? ', childrenEnqueued = :yes REMOVE expander, expanderUntil' : ''}`,
          // Only the holder moves the cursor, one step at a time, and only on a RUNNING job.
          ConditionExpression: 'expander = :run AND expanded = :from AND #status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':run': step.run,
            ':from': step.from,
            ':to': step.to,
            ':now': now.toISOString(),
            ':running': 'RUNNING',
            ...(step.last ? { ':yes': true } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  claimCancellation(tenant: string, id: string, run: string, until: Date, now: Date): Promise<{ job: Job; takenOver: boolean } | undefined> {
    // The expansion's hold, on a stopped job: one run cancels at a time, and not
    // before an expansion run in hand lets go (or its time is up).
    return this.takeHold(tenant, id, run, until, now, {
      condition: 'attribute_exists(cancelCursor) AND #status IN (:cancelled, :failed)',
      values: { ':cancelled': 'CANCELLED', ':failed': 'FAILED' },
    });
  }

  /**
   * The hold (`expander` until `expanderUntil`) for `run`, on a job meeting
   * `when`, if nobody else holds it or the holder's time is up. The job as
   * claimed, and whether it was taken from a run that never let go (the old
   * image tells), or undefined.
   */
  private async takeHold(
    tenant: string,
    id: string,
    run: string,
    until: Date,
    now: Date,
    when: { readonly condition: string; readonly names?: Record<string, string>; readonly values: Record<string, unknown> },
  ): Promise<{ job: Job; takenOver: boolean } | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(tenant, id),
          UpdateExpression: 'SET expander = :run, expanderUntil = :until',
          ConditionExpression: `${when.condition} AND (attribute_not_exists(expander) OR expander = :run OR expanderUntil <= :now)`,
          ExpressionAttributeNames: { '#status': 'status', ...when.names },
          ExpressionAttributeValues: { ':run': run, ':until': until.toISOString(), ':now': now.toISOString(), ...when.values },
          ReturnValues: 'ALL_OLD',
        }),
      );
      if (Attributes === undefined) return undefined;
      const before = fromJobItem(Attributes);
      return { job: { ...before, expander: run, expanderUntil: until.toISOString() }, takenOver: before.expander !== undefined };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async advanceCancellation(tenant: string, id: string, step: { run: string; from: number; to: number; last: boolean }, now: Date): Promise<boolean> {
    const { due } = TABLE.indexes;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(tenant, id),
          // The last step: the cursor, the hold and the job's place among the active jobs go together.
          UpdateExpression: step.last ? 'SET updatedAt = :now REMOVE cancelCursor, expander, expanderUntil, #apk, #ask' : 'SET cancelCursor = :to, updatedAt = :now',
          // Only the holder moves the cursor, from where it is.
          ConditionExpression: 'expander = :run AND cancelCursor = :from',
          ...(step.last ? { ExpressionAttributeNames: { '#apk': due.partitionKey, '#ask': due.sortKey } } : {}),
          ExpressionAttributeValues: { ':run': step.run, ':from': step.from, ':now': now.toISOString(), ...(step.last ? {} : { ':to': step.to }) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async releaseExpansion(tenant: string, id: string, run: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(tenant, id),
          UpdateExpression: 'REMOVE expander, expanderUntil',
          ConditionExpression: 'expander = :run',
          ExpressionAttributeValues: { ':run': run },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
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

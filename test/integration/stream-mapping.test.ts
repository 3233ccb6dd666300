import { randomUUID } from 'node:crypto';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeHandler, UndecodableRecordError } from '../../functions/stream-consumer.js';
import { lambdaContext } from '../../local/apigw-event.js';
import type { StreamFailureMessage } from '../../local/stream-poller.js';
import { toTaskItem } from '../../shared/adapters/dynamodb/task-item.js';
import type { Task } from '../../shared/domain/task.js';
import { useTestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait.js';

const local = useTestStack();
const LIMIT_MS = 120_000;

/** Every event of the stack's tenant since `after`, page by page. */
async function eventsSince(after: string): Promise<{ id: string; type: string; task?: { id: string } }[]> {
  const all: { id: string; type: string; task?: { id: string } }[] = [];
  let cursor = after;
  for (;;) {
    const { body } = await local.api('GET', `/events?limit=500&after=${encodeURIComponent(cursor)}`);
    all.push(...body.items);
    if (body.items.length < 500) return all;
    cursor = body.next;
  }
}

const pending = async (): Promise<number> => (await local.api('GET', '/stats')).body.tasks.PENDING as number;

const created = async (after: string, ids: readonly string[]): Promise<Set<string>> => {
  const wanted = new Set(ids);
  return new Set((await eventsSince(after)).filter((e) => e.type === 'task.created' && e.task !== undefined && wanted.has(e.task.id)).map((e) => e.task?.id ?? ''));
};

const goodTasks = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'x', requires: ['shell'], payload: { i } }));

describe('one record never jams the events pipeline', () => {
  it(
    'a task submitted with resources: {} among 100 others gets its events and counts, and so do the others',
    async () => {
      const after = new Date(Date.now() - 1000).toISOString();
      const before = await pending();
      const tasks = [...goodTasks(50), { type: 'x', requires: ['shell'], resources: {} }, ...goodTasks(50)];
      const { status, body } = await local.api('POST', '/tasks/batch', { tasks });
      expect(status).toBe(202);
      const ids = (body.items as { id: string }[]).map((t) => t.id);
      expect(ids).toHaveLength(101);
      await waitFor(() => created(after, ids), (seen) => seen.size === 101, LIMIT_MS, 500);
      await waitFor(pending, (n) => n - before === 101, LIMIT_MS, 500);
    },
    LIMIT_MS + 30_000,
  );

  it(
    'the local poller sets a poison record aside to the failure queue, counts it, and the 100 records after it flow',
    async () => {
      const stack = local.stack;
      const after = new Date(Date.now() - 1000).toISOString();
      const before = await pending();
      const first = await local.api('POST', '/tasks/batch', { tasks: goodTasks(50) });
      // A task item no decoder reads (its payload JSON is cut short): what a bug in a writer could leave.
      // No index keys, so no listing (GET /stats reads some) meets it: only the stream does.
      const dynamodb = new DynamoDBClient({ region: 'us-east-1', endpoint: stack.dynamoDbEndpoint });
      const poisonId = `poison-${randomUUID()}`;
      await dynamodb.send(
        new PutItemCommand({ TableName: stack.tableName, Item: marshall({ pk: `${stack.tenant}#task#${poisonId}`, sk: 'task', id: poisonId, tenant: stack.tenant, status: 'PENDING', payloadJson: '{"cut' }) }),
      );
      dynamodb.destroy();
      const second = await local.api('POST', '/tasks/batch', { tasks: goodTasks(50) });
      const ids = [...first.body.items, ...second.body.items].map((t: { id: string }) => t.id);

      await waitFor(() => created(after, ids), (seen) => seen.size === 100, LIMIT_MS, 500);
      await waitFor(pending, (n) => n - before === 100, LIMIT_MS, 500);
      expect(stack.events?.streamRecordsSetAside()).toBe(1);
      const sqs = new SQSClient({ region: 'us-east-1', endpoint: stack.sqsEndpoint });
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.events?.streamFailuresUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }));
      sqs.destroy();
      const letters = (Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}') as StreamFailureMessage);
      expect(letters).toEqual([expect.objectContaining({ requestContext: expect.objectContaining({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 11 }) })]);
      expect(letters[0]?.DDBStreamBatchInfo).toMatchObject({ batchSize: 1, streamArn: expect.stringContaining(stack.tableName) });
      expect(letters[0]?.DDBStreamBatchInfo.startSequenceNumber).toBe(letters[0]?.DDBStreamBatchInfo.endSequenceNumber);
    },
    LIMIT_MS + 30_000,
  );

  it(
    'the consumer as Lambda calls it: names the poison record, fails when it comes first, and counts a batch delivered twice once',
    async () => {
      const tenant = `lambda-${randomUUID().slice(0, 8)}`;
      const records = Array.from({ length: 101 }, (_, i) => insert(task({ id: `t${i}`, tenant }), i));
      const poison = records[50] as DynamoDBRecord;
      (poison.dynamodb?.NewImage as Record<string, unknown>).payloadJson = { S: '{"cut' };
      const context = lambdaContext('stream-consumer', 60_000);
      const call = (list: DynamoDBRecord[]) => makeHandler(() => local.stack.services)({ Records: list } satisfies DynamoDBStreamEvent, context);

      expect(await call(records)).toEqual({ batchItemFailures: [{ itemIdentifier: poison.dynamodb?.SequenceNumber }] });
      // The mapping resumes at it: a function error, so it bisects down to the record and sets it aside alone.
      await expect(call(records.slice(50))).rejects.toBeInstanceOf(UndecodableRecordError);
      expect(await call(records.slice(51))).toEqual({ batchItemFailures: [] });
      // At-least-once: the first batch delivered again counts nothing twice.
      expect(await call(records.slice(0, 50))).toEqual({ batchItemFailures: [] });
      expect(await call(records.slice(51))).toEqual({ batchItemFailures: [] });
      expect((await local.stack.services.counters.read(tenant)).PENDING).toBe(100);
      // The per-minute aggregates ride in the same transaction: the depth they keep is counted once too.
      expect((await local.stack.services.statsDeps().aggregates.read(tenant, new Date(Date.now() - 3_600_000))).waiting.normal).toBe(100);
    },
    LIMIT_MS,
  );
});

function task(over: Partial<Task>): Task {
  const at = new Date().toISOString();
  return {
    id: 't1',
    tenant: 'acme',
    type: 'x',
    payload: { a: 1 },
    priority: 'normal',
    requires: ['shell'],
    pool: 'shell',
    status: 'PENDING',
    attempts: 0,
    maxAttempts: 3,
    timeoutSeconds: 30,
    delaySeconds: 0,
    createdAt: at,
    updatedAt: at,
    revision: 0,
    ...over,
  };
}

/** An INSERT record as Lambda hands it to the function. */
function insert(t: Task, n: number): DynamoDBRecord {
  const item = toTaskItem(t);
  return {
    eventID: `ev-${t.tenant}-${n}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      Keys: marshall({ pk: item.pk, sk: item.sk }) as never,
      NewImage: marshall(item, { removeUndefinedValues: true }) as never,
      SequenceNumber: String(1_000_000 + n),
      SizeBytes: 500,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

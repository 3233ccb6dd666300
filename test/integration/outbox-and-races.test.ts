import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, createSqsClient } from '../../shared/adapters/aws-clients.js';
import { DynamoDbTaskStore } from '../../shared/adapters/dynamodb/dynamodb-task-store.js';
import { SqsTaskQueue } from '../../shared/adapters/sqs/sqs-task-queue.js';
import { InvalidTransitionError } from '../../shared/domain/state-machine.js';
import type { Services } from '../../shared/services/deps.js';
import { reconcileOutbox } from '../../shared/services/reconcile-outbox.js';
import { submitTask } from '../../shared/services/submit-tasks.js';
import { awsServices } from '../../shared/wiring.js';
import type { LocalStack } from '../../local/runtime.js';
import { startTestStack } from '../helpers/local-stack.js';

let stack: LocalStack;
let services: Services;

beforeAll(async () => {
  stack = await startTestStack();
  services = awsServices();
});
afterAll(async () => stack?.stop());

describe('enqueue failure recovery, on DynamoDB and SQS', () => {
  it('keeps an accepted task whose enqueue failed, and the reconciler delivers it', async () => {
    const sqs = createSqsClient({ region: 'us-east-1', sqsEndpoint: stack.sqsEndpoint });
    // A queue map that points nowhere: every send fails, as in an SQS outage.
    const broken = { ...services, queue: new SqsTaskQueue(sqs, {}) };
    const { created, task } = await submitTask(broken, 'acme', { type: 'echo', priority: 'low' });
    expect(created).toBe(true);
    expect(await services.store.get(task.id)).toMatchObject({ status: 'PENDING' });

    const later = { ...services, now: () => new Date(Date.now() + 60_000) };
    const outcome = await reconcileOutbox(later, { minAgeSeconds: 30, limit: 100 });
    expect(outcome.sent).toBeGreaterThanOrEqual(1);

    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: stack.queues.queueUrls['general:low'], WaitTimeSeconds: 2, MaxNumberOfMessages: 10 }),
    );
    expect((received.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}').taskId)).toContain(task.id);
    expect((await services.store.listOutbox(later.now(), 100)).map((e) => e.id)).not.toContain(task.id);
    sqs.destroy();
  });
});

describe('conditional writes on DynamoDB', () => {
  it('lets exactly one of many concurrent starts win (duplicate deliveries)', async () => {
    const { task } = await submitTask(services, 'acme', { type: 'echo' });
    const store = new DynamoDbTaskStore(createDocumentClient({ region: 'us-east-1', dynamoDbEndpoint: stack.dynamoDbEndpoint }), stack.tableName);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.apply(task.id, { type: 'start', worker: `w${i}`, leaseExpiresAt: new Date().toISOString() }, new Date())),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(InvalidTransitionError);
    expect(await store.get(task.id)).toMatchObject({ status: 'ACTIVE', attempts: 1 });
  });

  it('never lets a cancel and a completion both win', async () => {
    for (let round = 0; round < 5; round++) {
      const { task } = await submitTask(services, 'acme', { type: 'echo' });
      await services.store.apply(task.id, { type: 'start', worker: 'w', leaseExpiresAt: new Date().toISOString() }, new Date());
      const [cancel, complete] = await Promise.allSettled([
        services.store.apply(task.id, { type: 'cancel' }, new Date()),
        services.store.apply(task.id, { type: 'complete', result: { round } }, new Date()),
      ]);
      expect([cancel.status, complete.status].filter((s) => s === 'fulfilled')).toHaveLength(1);
      const final = await services.store.get(task.id);
      expect(final?.status).toBe(cancel.status === 'fulfilled' ? 'CANCELLED' : 'COMPLETED');
    }
  });

  it('stores payloads exactly, including empty keys and long numbers', async () => {
    const payload = { '': 'empty key', big: 12345678901234567890, nested: { list: [1, 'two', null, { deep: true }] } };
    const { task } = await submitTask(services, 'acme', { type: 'echo', payload });
    expect((await services.store.get(task.id))?.payload).toEqual(JSON.parse(JSON.stringify(payload)));
  });
});

import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsClient } from '../../shared/adapters/aws-clients.js';
import { SqsDeadLetters } from '../../shared/adapters/sqs/sqs-dead-letters.js';
import { SqsTaskQueue } from '../../shared/adapters/sqs/sqs-task-queue.js';
import { InvalidTransitionError } from '../../shared/domain/state-machine.js';
import type { Services } from '../../shared/services/deps.js';
import { submitTask, submitTasks } from '../../shared/services/submit-tasks.js';
import { TaskLifecycle } from '../../shared/services/task-lifecycle.js';
import type { LocalStack } from '../../local/runtime.js';
import { startTestStack } from '../helpers/local-stack.js';

let stack: LocalStack;
let services: Services;

beforeAll(async () => {
  stack = await startTestStack();
  services = stack.services.taskDeps;
});
afterAll(async () => stack?.stop());

const lease = (): string => new Date(Date.now() + 60_000).toISOString();

describe('queue first, then write, on DynamoDB and SQS', () => {
  it('refuses (503) a task whose send failed and writes nothing, so nothing accepted is lost', async () => {
    const sqs = createSqsClient({ region: 'us-east-1', sqsEndpoint: stack.sqsEndpoint });
    // A queue map that points nowhere: every send fails, as in an SQS outage.
    const lifecycle = new TaskLifecycle({
      records: services.records,
      queue: new SqsTaskQueue(sqs, {}),
      deadLetters: new SqsDeadLetters(sqs, {}),
      pools: services.pools,
      now: services.now,
      warn: () => undefined,
    });
    const broken = { ...services, lifecycle };
    const [result] = await submitTasks(broken, 'acme', [{ type: 'echo', priority: 'low', id: 'never-queued' }]);
    expect(result).toMatchObject({ ok: false, error: { status: 503 } });
    expect(await services.records.get('acme', 'never-queued')).toBeUndefined();
    sqs.destroy();
  });

  it('sends the message and writes the record, with the tenant on the message', async () => {
    const sqs = createSqsClient({ region: 'us-east-1', sqsEndpoint: stack.sqsEndpoint });
    const { task } = await submitTask(services, 'acme', { type: 'echo', priority: 'high' });
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.queues.queueUrls['general:high'], WaitTimeSeconds: 2, MaxNumberOfMessages: 10 }));
    const bodies = (received.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}') as { taskId: string; tenant: string; sentAt: string });
    expect(bodies.find((b) => b.taskId === task.id)).toMatchObject({ tenant: 'acme', sentAt: expect.any(String) });
    expect(await services.records.get('acme', task.id)).toMatchObject({ status: 'PENDING' });
    sqs.destroy();
  });
});

describe('conditional writes on DynamoDB', () => {
  it('lets exactly one of many concurrent starts win (duplicate deliveries)', async () => {
    const { task } = await submitTask(services, 'acme', { type: 'echo' });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => services.lifecycle.move('acme', task.id, { type: 'start', worker: `w${i}`, leaseExpiresAt: lease() }, { seen: task })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(InvalidTransitionError);
    expect(await services.records.get('acme', task.id)).toMatchObject({ status: 'ACTIVE', attempts: 1 });
  });

  it('never lets a cancel and a completion both win', async () => {
    for (let round = 0; round < 5; round++) {
      const { task } = await submitTask(services, 'acme', { type: 'echo' });
      await services.lifecycle.move('acme', task.id, { type: 'start', worker: 'w', leaseExpiresAt: lease() });
      const [cancel, complete] = await Promise.allSettled([
        services.lifecycle.move('acme', task.id, { type: 'cancel' }),
        services.lifecycle.move('acme', task.id, { type: 'complete', result: { round } }),
      ]);
      expect([cancel.status, complete.status].filter((s) => s === 'fulfilled')).toHaveLength(1);
      const final = await services.records.get('acme', task.id);
      expect(final?.status).toBe(cancel.status === 'fulfilled' ? 'CANCELLED' : 'COMPLETED');
    }
  });

  it('completes a task even when a task with its next stage\'s id exists, and the stage id cannot be taken by a user', async () => {
    const { task } = await submitTask(services, 'acme', { type: 'echo', id: 'x', then: { type: 'echo' } });
    await expect(submitTask(services, 'acme', { type: 'echo', id: 'x~then' })).rejects.toMatchObject({ status: 400 });
    await services.lifecycle.move('acme', task.id, { type: 'start', worker: 'w', leaseExpiresAt: lease() });
    await expect(services.lifecycle.move('acme', task.id, { type: 'complete', result: 1 })).resolves.toMatchObject({ status: 'COMPLETED' });
    expect(await services.records.get('acme', 'x~then')).toMatchObject({ status: 'PENDING', payload: 1 });
  });

  it('stores payloads exactly, including empty keys and long numbers', async () => {
    const payload = { '': 'empty key', big: 12345678901234567890, nested: { list: [1, 'two', null, { deep: true }] } };
    const { task } = await submitTask(services, 'acme', { type: 'echo', payload });
    expect((await services.records.get('acme', task.id))?.payload).toEqual(JSON.parse(JSON.stringify(payload)));
  });
});

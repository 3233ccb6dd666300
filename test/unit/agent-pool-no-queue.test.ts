import type { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { SqsTaskQueue } from '../../shared/adapters/sqs/sqs-task-queue.js';
import { loadConfig } from '../../shared/config.js';
import { submitTask } from '../../shared/services/submit-tasks.js';
import { memoryServices } from '../helpers/memory-services.js';

/**
 * Agent pools have no work queue (the topology declares none): every path that
 * could send one of their tasks to SQS refuses it, with a reason, instead.
 */
describe('an agent-pool task and SQS', () => {
  it('is never sent on submit: it waits in the ready set', async () => {
    const services = memoryServices();
    const { task } = await submitTask(services, 'acme', { type: 'shell-job', requires: ['shell'] });
    expect(task.pool).toBe('shell');
    expect(services.queue.sent).toEqual([]);
  });

  it('is refused by requeue (a Lambda worker waiting for a token or a slot): false, and a warning', async () => {
    const services = memoryServices();
    const { task } = await submitTask(services, 'acme', { type: 'shell-job', requires: ['shell'] });

    expect(await services.lifecycle.requeue(task, 5)).toBe(false);

    expect(services.queue.sent).toEqual([]);
    expect(services.warnings).toContain('refused to requeue an agent-pool task: its pool has no work queue');
  });

  it('is reported as a failed send by the SQS adapter, which has no URL for its pool (and sends nothing)', async () => {
    const { queueUrls } = loadConfig({ TABLE_NAME: 't', QUEUE_URL_PREFIX: 'https://sqs.example/1/tf-' });
    const warned: string[] = [];
    // Never called: a key without a URL fails before any request.
    const sqs = { send: () => Promise.reject(new Error('no request expected')) } as unknown as SQSClient;
    const queue = new SqsTaskQueue(sqs, queueUrls, (message) => void warned.push(message));

    const { failed } = await queue.enqueue([{ id: 't-1', tenant: 'acme', pool: 'shell', priority: 'normal', delaySeconds: 0 }]);

    expect(failed).toEqual([{ taskId: 't-1', reason: expect.stringMatching(/^no work queue for shell:normal/) }]);
    expect(warned).toEqual(['enqueue failed: no such work queue']);
  });
});

import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createSqsClient } from '../../shared/adapters/aws-clients.js';
import { PRIORITIES } from '../../shared/domain/priority.js';
import { TOPOLOGY } from '../../shared/topology/topology.js';
import { hashToken } from '../../shared/domain/token.js';
import { apiClient, useTestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait.js';

const local = useTestStack({ workers: true, env: { TASKFLEET_CIRCUIT_THRESHOLD: '1000' } });

describe('dead letters', () => {
  it('lists a failed task’s letter, replays it, and a failed replay leaves exactly one new letter', async () => {
    const { body } = await local.api('POST', '/tasks', { type: 'fail', payload: { times: 1 }, maxAttempts: 1, priority: 'low' });
    await waitFor(() => local.api('GET', `/tasks/${body.id}`), (r) => r.body.status === 'FAILED');

    const listed = await local.api('GET', '/dlq?pool=general&priority=low');
    expect(listed.status).toBe(200);
    const letter = listed.body.letters.find((l: { taskId: string }) => l.taskId === body.id);
    expect(letter).toMatchObject({ type: 'fail', attempts: 1, queue: 'general:low', error: { message: 'planned failure 1 of 1' } });
    expect(letter.tenant).toBeUndefined();

    await local.stack.services.taskDeps.tokens.put(hashToken('other-tenant'), 'globex', 'test');
    expect((await apiClient(local.stack.apiUrl, 'other-tenant')('GET', '/dlq')).body.letters).toEqual([]);

    const redriven = await local.api('POST', '/dlq/redrive', { taskIds: [body.id] });
    expect(redriven.body).toEqual({ redriven: [body.id], dropped: [] });
    // fail {times: 1} fails its first attempt again: FAILED once more, with one fresh letter.
    await waitFor(() => local.api('GET', `/tasks/${body.id}`), (r) => r.body.status === 'FAILED' && r.body.attempts === 1 && r.body.finishedAt !== undefined);
    const again = await waitFor(
      () => local.api('GET', '/dlq?pool=general&priority=low'),
      (r) => r.body.letters.filter((l: { taskId: string }) => l.taskId === body.id).length === 1,
    );
    expect(again.body.letters.filter((l: { taskId: string }) => l.taskId === body.id)).toHaveLength(1);
  });

  it('names bad selections', async () => {
    const bad = await local.api('GET', '/dlq?pool=moon&priority=urgent');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['pool', 'priority']);
    expect((await local.api('POST', '/dlq/redrive', { max: 0 })).status).toBe(400);
  });
});

describe('queues provisioned from the topology', () => {
  it('makes a DLQ for every pool × priority and a work queue for Lambda pools only (agents lease from the table)', async () => {
    const prefix = local.stack.queues.queueUrlPrefix.slice(local.stack.queues.queueUrlPrefix.lastIndexOf('/') + 1);
    const sqs = createSqsClient({ region: 'us-east-1', sqsEndpoint: local.stack.sqsEndpoint });
    const urls = (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 1000 }))).QueueUrls ?? [];
    sqs.destroy();
    const names = new Set(urls.map((url) => url.slice(url.lastIndexOf('/') + 1 + prefix.length)));
    for (const pool of TOPOLOGY.pools) {
      for (const priority of PRIORITIES) {
        expect(names.has(`${pool.name}-${priority}-dlq`), `${pool.name}-${priority}-dlq`).toBe(true);
        expect(names.has(`${pool.name}-${priority}`), `${pool.name}-${priority}`).toBe(pool.runsOn === 'lambda');
      }
    }
  });
});

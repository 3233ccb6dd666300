import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createSqsClient } from '../../shared/adapters/aws-clients.js';
import { TOPOLOGY } from '../../shared/topology/topology.js';
import { useTestStack } from '../helpers/local-stack.js';
import { TERMINAL, waitFor } from '../helpers/wait.js';

// Quick retries, and no circuit breaker getting in the way of the failure tests.
const local = useTestStack({
  workers: true,
  env: { TASKFLEET_RETRY_BASE_SECONDS: '1', TASKFLEET_RETRY_CAP_SECONDS: '1', TASKFLEET_CIRCUIT_THRESHOLD: '1000' },
});

async function submitAndFinish(task: Record<string, unknown>): Promise<Record<string, any>> {
  const { status, body } = await local.api('POST', '/tasks', task);
  expect(status).toBe(202);
  const done = await waitFor(
    () => local.api('GET', `/tasks/${body.id}`),
    (r) => TERMINAL.includes(r.body.status),
  );
  return done.body;
}

describe('Lambda workers, through the local event-source mappings', () => {
  it('completes echo with its payload as the result', async () => {
    const task = await submitAndFinish({ type: 'echo', payload: { hello: 'world' } });
    expect(task).toMatchObject({ status: 'COMPLETED', attempts: 1, result: { hello: 'world' } });
  });

  it('retries a failure and completes: fail {times: 1} with maxAttempts 3', async () => {
    const task = await submitAndFinish({ type: 'fail', payload: { times: 1 }, maxAttempts: 3 });
    expect(task.status).toBe('COMPLETED');
    expect(task.attempts).toBeGreaterThanOrEqual(2);
  });

  it('fails into the DLQ when attempts run out: fail {times: 99} with maxAttempts 2', async () => {
    const task = await submitAndFinish({ type: 'fail', payload: { times: 99 }, maxAttempts: 2, priority: 'high' });
    expect(task).toMatchObject({ status: 'FAILED', attempts: 2, error: { message: 'planned failure 2 of 99' } });

    const sqs = createSqsClient({ region: 'us-east-1', sqsEndpoint: local.stack.sqsEndpoint });
    const letters = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: local.stack.queues.dlqUrls['general:high'], WaitTimeSeconds: 2, MaxNumberOfMessages: 10 }),
    );
    const bodies = (letters.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}'));
    expect(bodies).toContainEqual(expect.objectContaining({ taskId: task.id, attempts: 2, error: expect.objectContaining({ message: 'planned failure 2 of 99' }) }));
    sqs.destroy();
  });

  it('never runs a task cancelled before it started', async () => {
    const { body } = await local.api('POST', '/tasks', { type: 'echo', delaySeconds: 2 });
    expect((await local.api('DELETE', `/tasks/${body.id}`)).body.status).toBe('CANCELLED');
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const task = (await local.api('GET', `/tasks/${body.id}`)).body;
    expect(task).toMatchObject({ status: 'CANCELLED', attempts: 0 });
    expect(task.startedAt).toBeUndefined();
  });

  it('answers 409 to cancelling a finished task', async () => {
    const task = await submitAndFinish({ type: 'echo' });
    expect((await local.api('DELETE', `/tasks/${task.id}`)).status).toBe(409);
  });

  it('expires a task whose deadline passed before it could start', async () => {
    const task = await submitAndFinish({ type: 'echo', delaySeconds: 2, deadline: new Date(Date.now() + 1000).toISOString() });
    expect(task).toMatchObject({ status: 'EXPIRED', attempts: 0 });
  });

  it('aborts an attempt past timeoutSeconds and retries it', async () => {
    const task = await submitAndFinish({ type: 'sleep', payload: { ms: 5000 }, timeoutSeconds: 1, maxAttempts: 2 });
    expect(task).toMatchObject({ status: 'FAILED', attempts: 2, error: { type: 'TimeoutError' } });
  });

  it('shows a running sleep task’s progress', async () => {
    const { body } = await local.api('POST', '/tasks', { type: 'sleep', payload: { ms: 3000 } });
    const running = await waitFor(
      () => local.api('GET', `/tasks/${body.id}`),
      (r) => r.body.status === 'ACTIVE' && r.body.progress?.fraction > 0 && r.body.progress?.fraction < 1,
    );
    expect(running.body.progress.message).toMatch(/^step \d+ of 10$/);
    const done = await waitFor(() => local.api('GET', `/tasks/${body.id}`), (r) => r.body.status === 'COMPLETED');
    expect(done.body.progress.fraction).toBe(1);
  });

  it('cancels a running task: its handler is told to stop', async () => {
    const { body } = await local.api('POST', '/tasks', { type: 'sleep', payload: { ms: 4000 } });
    await waitFor(() => local.api('GET', `/tasks/${body.id}`), (r) => r.body.status === 'ACTIVE');
    expect((await local.api('DELETE', `/tasks/${body.id}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect((await local.api('GET', `/tasks/${body.id}`)).body).toMatchObject({ status: 'CANCELLED', attempts: 1 });
  });

  it('reports queues, counts, circuits and queue times in GET /stats', async () => {
    await submitAndFinish({ type: 'echo' });
    const { status, body } = await local.api('GET', '/stats');
    expect(status).toBe(200);
    expect(body.queues).toHaveLength(TOPOLOGY.queues.length);
    expect(body.queues[0]).toEqual({ pool: expect.any(String), priority: expect.any(String), visible: expect.any(Number), inFlight: expect.any(Number), delayed: expect.any(Number), deadLetters: expect.any(Number) });
    expect(body.queues.find((q: { pool: string; priority: string }) => q.pool === 'general' && q.priority === 'high').deadLetters).toBeGreaterThanOrEqual(1);
    // Counts come from the table's stream, a moment after the write.
    await waitFor(async () => (await local.api('GET', '/stats')).body.tasks, (tasks) => tasks.COMPLETED >= 1, 30_000, 200);
    expect(body.circuits.general).toEqual({ status: 'CLOSED', consecutiveFailures: expect.any(Number) });
    // Queue times come from the per-minute aggregates the same stream keeps.
    const recent = await waitFor(async () => (await local.api('GET', '/stats')).body.recent, (r) => r.queueTimeMs !== undefined, 30_000, 200);
    expect(recent.queueTimeMs.p50).toBeGreaterThanOrEqual(0);
  });
});

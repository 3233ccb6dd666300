import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsClient } from '../../shared/adapters/aws-clients.js';
import { childId, reduceTaskId } from '../../shared/domain/job.js';
import { InvalidTransitionError, type TaskEvent } from '../../shared/domain/state-machine.js';
import { reconcileJobs } from '../../shared/services/fan-in.js';
import { submitJob } from '../../shared/services/jobs.js';
import { expandJob } from '../../shared/services/expand-job.js';
import { expansionTaskId } from '../../shared/domain/job-expansion.js';
import { TaskLifecycle } from '../../shared/services/task-lifecycle.js';
import type { LocalStack } from '../../local/runtime.js';
import { apiClient, startTestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait.js';

let stack: LocalStack;

beforeAll(async () => {
  // No workers: the test plays every worker itself, to control the races.
  stack = await startTestStack({ workers: false });
});
afterAll(async () => stack?.stop());

const lease = new Date(Date.now() + 3_600_000).toISOString();

async function startAll(jobId: string, total: number): Promise<void> {
  const { lifecycle } = stack.services.jobDeps;
  for (let i = 0; i < total; i++) await lifecycle.move(stack.tenant, childId(jobId, i), { type: 'start', worker: 'test', leaseExpiresAt: lease });
}

/** Applies an event to a task of the test's tenant through the lifecycle. */
const move = (id: string, event: TaskEvent) => stack.services.jobDeps.lifecycle.move(stack.tenant, id, event);

describe('fan-in exactly once, on DynamoDB', () => {
  it('starts one reduce when the last two children complete at the same moment, round after round', async () => {
    const deps = stack.services.jobDeps;
    const rounds = 15;
    const jobIds: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const job = await submitJob(deps, stack.tenant, { map: { type: 'race', items: [1, 2, 3] }, reduce: { type: 'sum' }, requires: ['http'], priority: 'low' });
      jobIds.push(job.id);
      await startAll(job.id, 3);
      await move(childId(job.id, 0), { type: 'complete', result: 1 });
      // the last two, concurrently
      await Promise.all([1, 2].map((i) => move(childId(job.id, i), { type: 'complete', result: i + 1 })));
      // Counted from the table's stream, whose consumer then runs the fan-in: the job moves to REDUCING, then its reduce is written.
      const reduce = await waitFor(() => deps.records.get(stack.tenant, reduceTaskId(job.id)), (t) => t !== undefined);
      expect(await deps.jobs.get(stack.tenant, job.id)).toMatchObject({ status: 'REDUCING', reduceTaskId: reduceTaskId(job.id) });
      expect(reduce).toMatchObject({ status: 'PENDING', payload: { jobId: job.id, total: 3, completed: 3 } });
    }
    // Exactly one reduce message per job on the queue.
    const sqs = createSqsClient({ region: 'us-east-1', sqsEndpoint: stack.sqsEndpoint });
    const reduces: string[] = [];
    for (let empty = 0; empty < 2; ) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: stack.queues.queueUrls['general:low'], MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 60 }),
      );
      if (Messages.length === 0) empty++;
      for (const m of Messages) {
        const taskId = String(JSON.parse(m.Body ?? '{}').taskId);
        if (taskId.endsWith('~reduce')) reduces.push(taskId);
      }
    }
    sqs.destroy();
    expect(reduces.sort()).toEqual(jobIds.map(reduceTaskId).sort());
  });

  it('never counts a child twice, whatever is delivered again', async () => {
    const deps = stack.services.jobDeps;
    const job = await submitJob(deps, stack.tenant, { map: { type: 'dup', items: [1, 2] }, reduce: { type: 'sum' }, requires: ['http'] });
    await startAll(job.id, 2);
    await move(childId(job.id, 0), { type: 'complete', result: 1 });
    const again = await Promise.allSettled(Array.from({ length: 5 }, () => move(childId(job.id, 0), { type: 'complete', result: 1 })));
    for (const outcome of again) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(InvalidTransitionError);
    }
    await waitFor(() => deps.jobs.counts(stack.tenant, job.id), (c) => c.completed > 0);
    // The second child's end, counted after the first's: every count of the first is in by then.
    await move(childId(job.id, 1), { type: 'fail', error: { message: 'no', retryable: false } });
    await waitFor(() => deps.jobs.counts(stack.tenant, job.id), (c) => c.failed > 0);
    expect(await deps.jobs.counts(stack.tenant, job.id)).toEqual({ completed: 1, failed: 1, cancelled: 0 });
  });

  it('fails a job beyond its tolerance and cancels its pending children', async () => {
    const deps = stack.services.jobDeps;
    const job = await submitJob(deps, stack.tenant, {
      map: { type: 'flaky', items: Array.from({ length: 10 }, (_, i) => i) },
      reduce: { type: 'sum' },
      requires: ['http'],
      failurePolicy: { maxFailedFraction: 0.2 },
    });
    for (let i = 0; i < 3; i++) {
      await move(childId(job.id, i), { type: 'start', worker: 'test', leaseExpiresAt: lease });
      await move(childId(job.id, i), { type: 'fail', error: { message: 'no', retryable: false } });
    }
    await waitFor(() => deps.jobs.get(stack.tenant, job.id), (j) => j?.status !== 'RUNNING');
    expect(await deps.jobs.get(stack.tenant, job.id)).toMatchObject({ status: 'FAILED', error: expect.stringContaining('3 of 10 children did not complete') });
    const children = await waitFor(
      () => deps.records.getMany(stack.tenant, Array.from({ length: 10 }, (_, i) => childId(job.id, i))),
      (all) => all.every((c) => c.status !== 'PENDING'),
    );
    expect(children.map((c) => c.status)).toEqual([...Array(3).fill('FAILED'), ...Array(7).fill('CANCELLED')]);
    expect(await deps.records.get(stack.tenant, reduceTaskId(job.id))).toBeUndefined();
  });

  it('cancels a job and its pending children with DELETE /jobs/{id}', async () => {
    const api = apiClient(stack.apiUrl, stack.token);
    const { body } = await api('POST', '/jobs', { map: { type: 'slow', items: [1, 2, 3] }, reduce: { type: 'sum' } });
    const cancelled = await api('DELETE', `/jobs/${body.id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED' });
    // The children's ends are counted from the table's stream: the job's counts catch up.
    await waitFor(async () => (await api('GET', `/jobs/${body.id}`)).body, (job) => job.cancelled === 3);
    expect((await api('DELETE', `/jobs/${body.id}`)).status).toBe(409);
  });

  it('has the sweep send the children of a job whose enqueue failed, and start a reduce a crash left unstarted', async () => {
    const deps = stack.services.jobDeps;
    const outage = { enqueue: async (entries: readonly { id: string }[]) => ({ failed: entries.map((e) => ({ taskId: e.id, reason: 'outage' })) }) };
    const lifecycle = new TaskLifecycle({ records: deps.records, queue: outage, deadLetters: { send: async () => undefined }, pools: deps.pools, now: deps.now, warn: () => undefined });
    const broken = { ...deps, lifecycle };
    const job = await submitJob(broken, stack.tenant, { map: { type: 'lost', items: [1, 2] }, reduce: { type: 'sum' }, requires: ['http'], priority: 'high' });
    expect((await deps.jobs.get(stack.tenant, job.id))?.childrenEnqueued).toBe(false);
    expect(await deps.jobs.get(stack.tenant, job.id)).toMatchObject({ chunkStarts: [0], expanded: 0 });

    const later = { ...deps, now: () => new Date(Date.now() + 120_000) };
    await reconcileJobs(later);
    const sqs = createSqsClient({ region: 'us-east-1', sqsEndpoint: stack.sqsEndpoint });
    const receive = async (key: string) =>
      ((await sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.queues.queueUrls[key], MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))).Messages ?? []).map(
        (m) => String(JSON.parse(m.Body ?? '{}').taskId),
      );
    // The sweep asks a worker to resume the expansion; this test plays that worker.
    expect(await receive('general:critical')).toContain(expansionTaskId(job.id));
    // The failed run kept its hold until its time was up: the resuming run comes later, and re-checks the step.
    expect(await expandJob(deps, stack.tenant, job.id, () => 60_000)).toBe('not-mine');
    expect(await expandJob(later, stack.tenant, job.id, () => 60_000)).toBe('expanded');
    expect((await deps.jobs.get(stack.tenant, job.id))?.childrenEnqueued).toBe(true);
    const messages = await receive('general:high');
    sqs.destroy();
    expect(messages.sort()).toEqual([childId(job.id, 0), childId(job.id, 1)]);

    // A crash right after the job moved to REDUCING, before its reduce task was written:
    await startAll(job.id, 2);
    await deps.jobs.transition(stack.tenant, job.id, ['RUNNING'], { status: 'REDUCING', reduceTaskId: reduceTaskId(job.id) }, new Date());
    for (const i of [0, 1]) await move(childId(job.id, i), { type: 'complete', result: i });
    await waitFor(() => deps.jobs.counts(stack.tenant, job.id), (c) => c.completed === 2);
    expect(await deps.records.get(stack.tenant, reduceTaskId(job.id))).toBeUndefined();
    await reconcileJobs(later);
    expect(await deps.records.get(stack.tenant, reduceTaskId(job.id))).toMatchObject({ status: 'PENDING', payload: { completed: 2 } });
  });
});

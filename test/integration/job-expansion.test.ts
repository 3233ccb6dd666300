import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createSqsClient } from '../../shared/adapters/aws-clients.js';
import { childId } from '../../shared/domain/job.js';
import { expansionTaskId, STEP_CHILDREN } from '../../shared/domain/job-expansion.js';
import type { Task } from '../../shared/domain/task.js';
import { expandJob, runJobMessage } from '../../shared/services/expand-job.js';
import { reconcileJobs } from '../../shared/services/fan-in.js';
import type { JobDeps } from '../../shared/services/jobs.js';
import type { TaskLifecycle } from '../../shared/services/task-lifecycle.js';
import { useTestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait.js';

// No workers: this test plays the worker that expands a job, to stop it where it wants.
const local = useTestStack({ workers: false });

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ text: `item ${i}` }));
const plenty = () => 60_000;
/** An invocation's remaining time with room for `steps` steps, then none (a call for the hold, one for the reserve, then one before each step). */
function roomFor(steps: number): () => number {
  let calls = 0;
  return () => (calls++ <= steps + 1 ? 60_000 : 0);
}
/** Task ids on a work queue (received and left invisible, so each test sees only new ones). */
async function messagesOn(key: string): Promise<string[]> {
  const sqs = createSqsClient({ region: 'us-east-1', sqsEndpoint: local.stack.sqsEndpoint });
  const ids: string[] = [];
  for (let empty = 0; empty < 1; ) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: local.stack.queues.queueUrls[key], MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 600 }),
    );
    if (Messages.length === 0) empty++;
    ids.push(...Messages.map((m) => String(JSON.parse(m.Body ?? '{}').taskId)));
  }
  sqs.destroy();
  return ids;
}

/** A job's deps whose lifecycle writes half of its `failOn`-th bulk write of children, then dies (a worker killed mid-step). */
function dyingOnWrite(deps: JobDeps, failOn: number): JobDeps {
  let writes = 0;
  const lifecycle = new Proxy(deps.lifecycle, {
    get(target, property) {
      if (property === 'createChildren') {
        return async (tasks: readonly Task[]) => {
          writes += 1;
          if (writes < failOn) return target.createChildren(tasks);
          await target.createChildren(tasks.slice(0, tasks.length / 2));
          throw new Error('worker killed');
        };
      }
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as TaskLifecycle;
  return { ...deps, lifecycle };
}

describe('POST /jobs answers before the children exist', () => {
  it('accepts 10,000 items with 202 and the job id, then a worker expands them step by step', async () => {
    // Time the request, not the process's first job (JIT, first connections, DynamoDB Local's first large write: ~1 s more).
    await local.api('POST', '/jobs', { map: { type: 'count-words', items: items(1) } });
    const started = performance.now();
    const submitted = await local.api('POST', '/jobs', { map: { type: 'count-words', items: items(10_000) }, reduce: { type: 'merge-counts' } });
    const elapsedMs = performance.now() - started;
    console.log(`POST /jobs with 10,000 items answered ${submitted.status} in ${elapsedMs.toFixed(0)} ms`);
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({ status: 'RUNNING', total: 10_000, pool: 'general' });
    const id = submitted.body.id as string;

    const expanding = await local.api('GET', `/jobs/${id}`);
    expect(expanding.body).toMatchObject({ status: 'RUNNING', total: 10_000, expanded: 0, stages: [{ name: 'map', status: 'EXPANDING' }, { name: 'reduce' }] });
    expect((await local.api('GET', `/tasks/${childId(id, 0)}`)).status).toBe(404);
    expect(await messagesOn('general:critical')).toContain(expansionTaskId(id));

    // The worker's first two steps (the scale test and bench:jobs run whole jobs through real workers).
    expect(await expandJob(local.stack.services.jobDeps, local.stack.tenant, id, roomFor(2))).toBe('handed-over');
    const expanded = await local.api('GET', `/jobs/${id}`);
    expect(expanded.body).toMatchObject({ expanded: 500, stages: [{ name: 'map', status: 'EXPANDING' }, { name: 'reduce' }] });
    const sample = [0, 249, 250, 499];
    const children = await local.stack.services.jobDeps.records.getMany(local.stack.tenant, [...sample, 500].map((i) => childId(id, i)));
    expect(children.map((c) => [c.id, c.status, c.payload])).toEqual(sample.map((i) => [childId(id, i), 'PENDING', { text: `item ${i}` }]));
    // It handed over: the next run is asked for on the queue.
    expect(await messagesOn('general:critical')).toContain(expansionTaskId(id));
  }, 120_000);

  it('expands a job of one step inside the request', async () => {
    const { status, body } = await local.api('POST', '/jobs', { map: { type: 'count-words', items: items(STEP_CHILDREN) } });
    expect(status).toBe(202);
    expect((await local.api('GET', `/jobs/${body.id}`)).body).toMatchObject({ expanded: STEP_CHILDREN, stages: [{ name: 'map', status: 'RUNNING' }] });
  });

  it('reads items across stored chunks (350 KB each) in order', async () => {
    const big = Array.from({ length: 120 }, (_, i) => ({ i, pad: 'x'.repeat(7_000) }));
    const { status, body } = await local.api('POST', '/jobs', { map: { type: 'count-words', items: big } });
    expect(status).toBe(202);
    const job = await local.stack.services.jobDeps.jobs.get(local.stack.tenant, body.id);
    expect(job?.chunkStarts?.length).toBeGreaterThan(1);
    const children = await local.stack.services.jobDeps.records.getMany(local.stack.tenant, big.map((_, i) => childId(body.id, i)));
    expect(children.map((c) => (c.payload as { i: number }).i)).toEqual(big.map((_, i) => i));
  });
});

describe('job idempotency keys', () => {
  it('returns the same job for a retried submission: 202, then 200 with the same id', async () => {
    const body = { map: { type: 'count-words', items: items(10_000) }, idempotencyKey: 'nightly-2026-11-23' };
    const first = await local.api('POST', '/jobs', body);
    const again = await local.api('POST', '/jobs', body);
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const jobs = await local.api('GET', '/jobs?limit=100');
    expect(jobs.body.items.filter((j: { id: string }) => j.id === first.body.id)).toHaveLength(1);
    const other = await local.api('POST', '/jobs', { ...body, idempotencyKey: 'nightly-2026-11-24' });
    expect(other.status).toBe(202);
    expect(other.body.id).not.toBe(first.body.id);
  }, 60_000);

  it('gives one job to concurrent submissions with one key', async () => {
    const body = { map: { type: 'count-words', items: items(600) }, idempotencyKey: 'concurrent' };
    const answers = await Promise.all([1, 2, 3].map(() => local.api('POST', '/jobs', body)));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 202]);
  });
});

describe('a partial expansion resumes', () => {
  it('after a worker died mid-chunk: the next run writes only the missing children and never resets one that started', async () => {
    const deps = local.stack.services.jobDeps;
    const { body } = await local.api('POST', '/jobs', { map: { type: 'count-words', items: items(1_000) }, priority: 'low' });
    const id = body.id as string;
    // Step 0 (children 0…249) is written, sent and counted; step 1's bulk write dies half way.
    await expect(expandJob(dyingOnWrite(deps, 2), local.stack.tenant, id, plenty)).rejects.toThrow('worker killed');
    expect(await deps.jobs.get(local.stack.tenant, id)).toMatchObject({ chunkStarts: [0], expanded: 250 });
    // One of the half-written children is already running: a resumed run must not write over it.
    const running = childId(id, 260);
    await deps.lifecycle.move(local.stack.tenant, running, { type: 'start', worker: 'test', leaseExpiresAt: new Date(Date.now() + 3_600_000).toISOString() });

    // The dead run still holds the expansion until its time is up, so the sweep leaves it alone.
    expect(await expandJob(deps, local.stack.tenant, id, plenty)).toBe('not-mine');
    const later = { ...deps, now: () => new Date(Date.now() + 10 * 60_000) };
    await reconcileJobs(later);
    expect(await messagesOn('general:critical')).toContain(expansionTaskId(id));
    expect(await expandJob(later, local.stack.tenant, id, plenty)).toBe('expanded');

    expect(await deps.jobs.get(local.stack.tenant, id)).toMatchObject({ expanded: 1_000, childrenEnqueued: true });
    const children = await deps.records.getMany(local.stack.tenant, items(1_000).map((_, i) => childId(id, i)));
    expect(children).toHaveLength(1_000);
    expect(children.filter((c) => c.status === 'ACTIVE').map((c) => c.id)).toEqual([running]);
    // Step 1's children were all sent after the resume (the ones written before the crash too).
    const sent = new Set(await messagesOn('general:low'));
    expect(items(1_000).map((_, i) => childId(id, i)).filter((c) => c !== running && !sent.has(c))).toEqual([]);
  }, 120_000);

  it('hands over to another run when its invocation runs short, carrying on from the cursor', async () => {
    const deps = local.stack.services.jobDeps;
    const { body } = await local.api('POST', '/jobs', { map: { type: 'count-words', items: items(700) } });
    await messagesOn('general:critical');
    // No time past the first step: one step, then a new expansion message.
    expect(await expandJob(deps, local.stack.tenant, body.id, roomFor(1))).toBe('handed-over');
    expect(await deps.jobs.get(local.stack.tenant, body.id)).toMatchObject({ expanded: 250 });
    expect(await messagesOn('general:critical')).toContain(expansionTaskId(body.id));
    expect(await expandJob(deps, local.stack.tenant, body.id, plenty)).toBe('expanded');
    expect((await local.api('GET', `/jobs/${body.id}`)).body).toMatchObject({ expanded: 700 });
  });
});

describe('cancelling a job while it expands', () => {
  it('stops the expansion: no later chunk is written, and the children written so far are cancelled', async () => {
    const deps = local.stack.services.jobDeps;
    const { body } = await local.api('POST', '/jobs', { map: { type: 'count-words', items: items(1_000) } });
    expect(await expandJob(deps, local.stack.tenant, body.id, roomFor(1))).toBe('handed-over');
    const cancelled = await local.api('DELETE', `/jobs/${body.id}`);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', expanded: 250 });
    // The children's ends are counted from the table's stream.
    await waitFor(() => local.api('GET', `/jobs/${body.id}`), (r) => r.body.cancelled === 250);
    expect(await expandJob(deps, local.stack.tenant, body.id, plenty)).toBe('not-mine');
    expect(await deps.records.get(local.stack.tenant, childId(body.id, 250))).toBeUndefined();
  });

  it('cancels the step a run had in hand when the job was cancelled under it', async () => {
    const deps = local.stack.services.jobDeps;
    const { body } = await local.api('POST', '/jobs', { map: { type: 'count-words', items: items(600) } });
    const id = body.id as string;
    // The job is cancelled while the run writes its first step.
    const lifecycle = new Proxy(deps.lifecycle, {
      get(target, property) {
        if (property === 'createChildren') {
          return async (tasks: readonly Task[]) => {
            const written = await target.createChildren(tasks);
            await local.api('DELETE', `/jobs/${id}`);
            return written;
          };
        }
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as TaskLifecycle;
    expect(await expandJob({ ...deps, lifecycle }, local.stack.tenant, id, plenty)).toBe('stopped');
    const children = await deps.records.getMany(local.stack.tenant, Array.from({ length: 600 }, (_, i) => childId(id, i)));
    expect(children).toHaveLength(250);
    expect(new Set(children.map((c) => c.status))).toEqual(new Set(['CANCELLED']));
    // The DELETE left the children to the cancellation (the run held the job); the run let go and sent a job message for it.
    expect(await deps.jobs.get(local.stack.tenant, id)).toMatchObject({ cancelCursor: 0 });
    expect((await deps.jobs.get(local.stack.tenant, id))?.expander).toBeUndefined();
    expect(await messagesOn('general:critical')).toContain(expansionTaskId(id));
    expect(await runJobMessage(deps, local.stack.tenant, id, plenty)).toBe('cancelled');
    const job = await waitFor(() => local.api('GET', `/jobs/${id}`), (r) => r.body.cancelled === 250);
    expect(job.body).toMatchObject({ status: 'CANCELLED', cancelled: 250, stages: [{ status: 'CANCELLED' }] });
  });
});

import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createSqsClient } from '../../shared/adapters/aws-clients.js';
import { childId } from '../../shared/domain/job.js';
import { CANCEL_STEP } from '../../shared/domain/job-cancellation.js';
import { expansionTaskId, STEP_CHILDREN } from '../../shared/domain/job-expansion.js';
import type { Task } from '../../shared/domain/task.js';
import { cancelChildren } from '../../shared/services/cancel-children.js';
import { expandJob, runJobMessage } from '../../shared/services/expand-job.js';
import { reconcileJobs } from '../../shared/services/fan-in.js';
import type { JobDeps } from '../../shared/services/jobs.js';
import type { TaskLifecycle } from '../../shared/services/task-lifecycle.js';
import { useTestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait.js';

// No workers: the tests play the worker that runs job messages, to stop a cancellation where they want.
const local = useTestStack({ workers: false });

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ text: `item ${i}` }));
const plenty = () => 60_000;
/** Room for the claim, the reserve and one step; none after. */
function roomForOneStep(): () => number {
  let calls = 0;
  return () => (calls++ < 2 ? 60_000 : 0);
}
/** Deps whose job messages are lost (the run that hands over dies before its message goes out). */
const losingMessages = (deps: JobDeps): JobDeps => ({ ...deps, queue: { enqueue: async (entries) => ({ failed: entries.map((e) => ({ taskId: e.id, reason: 'lost' })) }) } });

async function sqs<T>(use: (client: ReturnType<typeof createSqsClient>) => Promise<T>): Promise<T> {
  const client = createSqsClient({ region: 'us-east-1', sqsEndpoint: local.stack.sqsEndpoint });
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}
/** Task ids on a work queue (received and left invisible, so each test sees only new ones). */
const messagesOn = (key: string): Promise<string[]> =>
  sqs(async (client) => {
    const ids: string[] = [];
    for (;;) {
      const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: local.stack.queues.queueUrls[key], MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 600 }));
      if (Messages.length === 0) return ids;
      ids.push(...Messages.map((m) => String(JSON.parse(m.Body ?? '{}').taskId)));
    }
  });

/** How many of a job's `n` possible children are in each status (absent ones are not counted). */
async function childStatuses(id: string, n: number): Promise<Record<string, number>> {
  const tasks = await local.stack.services.jobDeps.records.getMany(local.stack.tenant, Array.from({ length: n }, (_, i) => childId(id, i)));
  return tasks.reduce<Record<string, number>>((sum, t) => ({ ...sum, [t.status]: (sum[t.status] ?? 0) + 1 }), {});
}

/** Plays the pool's worker: runs each job message on the critical queue until the job has none left. */
async function runJobMessages(deps: JobDeps, id: string): Promise<void> {
  await waitFor(
    async () => {
      const sent = await messagesOn('general:critical');
      if (sent.includes(expansionTaskId(id))) await runJobMessage(deps, local.stack.tenant, id, plenty);
      return deps.jobs.get(local.stack.tenant, id);
    },
    (job) => job?.cancelCursor === undefined,
    300_000,
    250,
  );
}

describe('cancelling a large job', () => {
  it('answers with the job CANCELLED, and job messages cancel its 1,200 children (three steps): none stays PENDING', async () => {
    const deps = local.stack.services.jobDeps;
    const n = 3 * CANCEL_STEP;
    const { body } = await local.api('POST', '/jobs', { map: { type: 'count-words', items: items(n) }, reduce: { type: 'merge-counts' } });
    const id = body.id as string;
    expect(await expandJob(deps, local.stack.tenant, id, plenty)).toBe('expanded');
    await messagesOn('general:critical');

    const cancelled = await local.api('DELETE', `/jobs/${id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', total: n, expanded: n });
    // The request cancels a first step itself (the job's counts follow from the table's stream).
    const inRequest = (await childStatuses(id, n)).CANCELLED ?? 0;
    console.log(`DELETE /jobs of ${n} children: ${inRequest} cancelled in the request, map stage ${cancelled.body.stages[0].status}`);
    expect(inRequest).toBeGreaterThanOrEqual(CANCEL_STEP);

    await runJobMessages(deps, id);
    const done = await waitFor(() => local.api('GET', `/jobs/${id}`), (r) => r.body.cancelled === n, 60_000, 200);
    expect(done.body).toMatchObject({ status: 'CANCELLED', cancelled: n, completed: 0, failed: 0 });
    expect(done.body.stages.map((s: { status: string }) => s.status)).toEqual(['DONE', 'WAITING']);
    expect(await childStatuses(id, n)).toEqual({ CANCELLED: n });
    expect(await deps.jobs.listActive(100).then((jobs) => jobs.map((j) => j.id))).not.toContain(id);
  }, 400_000);

  it('cancels a job cut short while expanding: every child written is CANCELLED, no later one is written', async () => {
    const deps = local.stack.services.jobDeps;
    const { body } = await local.api('POST', '/jobs', { map: { type: 'count-words', items: items(2_000) } });
    const id = body.id as string;
    // Two steps expanded, then the job is cancelled.
    let calls = 0;
    expect(await expandJob(deps, local.stack.tenant, id, () => (calls++ <= 3 ? 60_000 : 0))).toBe('handed-over');
    await local.api('DELETE', `/jobs/${id}`);
    await runJobMessages(deps, id);
    expect(await expandJob(deps, local.stack.tenant, id, plenty)).toBe('not-mine');
    expect(await childStatuses(id, 2_000)).toEqual({ CANCELLED: 500 });
    const job = await waitFor(() => local.api('GET', `/jobs/${id}`), (r) => r.body.cancelled === 500, 60_000, 200);
    expect(job.body).toMatchObject({ status: 'CANCELLED', expanded: 500, cancelled: 500, stages: [{ status: 'CANCELLED' }] });
  }, 300_000);
});

describe('a cancellation that dies mid-way', () => {
  it('is resumed by the sweep once it stopped moving, and finished: nothing stays PENDING', async () => {
    const deps = local.stack.services.jobDeps;
    const n = 1_000;
    const { body } = await local.api('POST', '/jobs', { map: { type: 'count-words', items: items(n) } });
    const id = body.id as string;
    expect(await expandJob(deps, local.stack.tenant, id, plenty)).toBe('expanded');
    await messagesOn('general:critical');
    // The job stops; its cancellation run does one step, then hands over — and its message is lost.
    expect(await deps.jobs.transition(local.stack.tenant, id, ['RUNNING'], { status: 'CANCELLED', finishedAt: new Date().toISOString(), unwind: true }, new Date())).toBe(true);
    expect(await cancelChildren(losingMessages(deps), local.stack.tenant, id, roomForOneStep(), 0)).toBe('handed-over');
    expect(await messagesOn('general:critical')).toEqual([]);
    expect(await childStatuses(id, n)).toEqual({ CANCELLED: CANCEL_STEP, PENDING: n - CANCEL_STEP });
    expect((await local.api('GET', `/jobs/${id}`)).body).toMatchObject({ cancelled: CANCEL_STEP, stages: [{ status: 'CANCELLING' }] });

    // A sweep soon after leaves it (it moved within the minute); a sweep later sends a job message.
    await reconcileJobs(deps);
    expect(await messagesOn('general:critical')).toEqual([]);
    const later = { ...deps, now: () => new Date(Date.now() + 5 * 60_000) };
    await reconcileJobs(later);
    expect(await messagesOn('general:critical')).toEqual([expansionTaskId(id)]);
    expect(await runJobMessage(later, local.stack.tenant, id, plenty)).toBe('cancelled');

    expect(await childStatuses(id, n)).toEqual({ CANCELLED: n });
    expect((await local.api('GET', `/jobs/${id}`)).body).toMatchObject({ status: 'CANCELLED', cancelled: n, stages: [{ status: 'DONE' }] });
  }, 300_000);
});

describe('an expansion run that dies with a step in hand while its job is cancelled', () => {
  it('keeps the cancellation out until its hold ends; then the sweep has that step cancelled too: none stays PENDING', async () => {
    const deps = local.stack.services.jobDeps;
    const { body } = await local.api('POST', '/jobs', { map: { type: 'count-words', items: items(1_000) } });
    const id = body.id as string;
    await messagesOn('general:critical');
    // The run takes the job; DELETE arrives before its write; it writes its step and dies before sending it.
    let answer: Awaited<ReturnType<typeof local.api>> | undefined;
    const lifecycle = new Proxy(deps.lifecycle, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (property === 'createChildren') {
          return async (tasks: readonly Task[]) => {
            answer = await local.api('DELETE', `/jobs/${id}`);
            return target.createChildren(tasks);
          };
        }
        if (property === 'enqueue') return async () => Promise.reject(new Error('worker killed'));
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as TaskLifecycle;
    // The clock of the sweeps below counts from before the run took its hold, however long the run took.
    const runStartedAt = Date.now();
    await expect(expandJob({ ...deps, lifecycle }, local.stack.tenant, id, plenty)).rejects.toThrow('worker killed');

    // DELETE answered at once: CANCELLED, its children left to the cancellation the run's hold keeps waiting.
    expect(answer?.status).toBe(200);
    expect(answer?.body).toMatchObject({ status: 'CANCELLED', cancelled: 0, stages: [{ status: 'CANCELLING' }] });
    expect(await childStatuses(id, 1_000)).toEqual({ PENDING: STEP_CHILDREN });

    // The run's hold is its time (60 s here) + 5 s: a sweep a minute on still leaves the job, one later resumes it.
    const at = (seconds: number): JobDeps => ({ ...deps, now: () => new Date(runStartedAt + seconds * 1000) });
    await reconcileJobs(at(62));
    expect(await messagesOn('general:critical')).toEqual([]);
    expect(await runJobMessage(at(62), local.stack.tenant, id, plenty)).toBe('not-mine');
    await reconcileJobs(at(300));
    expect(await messagesOn('general:critical')).toEqual([expansionTaskId(id)]);
    expect(await runJobMessage(at(300), local.stack.tenant, id, plenty)).toBe('cancelled');

    expect(await childStatuses(id, 1_000)).toEqual({ CANCELLED: STEP_CHILDREN });
    expect((await local.api('GET', `/jobs/${id}`)).body).toMatchObject({ status: 'CANCELLED', cancelled: STEP_CHILDREN, stages: [{ status: 'CANCELLED' }] });
    expect(await deps.jobs.listActive(100).then((jobs) => jobs.map((j) => j.id))).not.toContain(id);
  }, 300_000);
});

describe('a job message in a dead-letter queue', () => {
  it('is listed as its job’s (no 500, no ghost task); a redrive carries the job on', async () => {
    const { body } = await local.api('POST', '/jobs', { map: { type: 'count-words', items: items(600) } });
    const id = body.id as string;
    await messagesOn('general:critical');
    // What SQS moves to the DLQ after maxReceiveCount failed receives: the work message as sent.
    await sqs((client) =>
      client.send(
        new SendMessageCommand({
          QueueUrl: local.stack.queues.dlqUrls['general:critical'],
          MessageBody: JSON.stringify({ taskId: expansionTaskId(id), tenant: local.stack.tenant, sentAt: new Date().toISOString() }),
        }),
      ),
    );
    const listed = await local.api('GET', '/dlq?pool=general&priority=critical');
    expect(listed.status).toBe(200);
    expect(listed.body.letters).toEqual([expect.objectContaining({ taskId: expansionTaskId(id), jobId: id, type: 'job-message', queue: 'general:critical' })]);

    const redriven = await local.api('POST', '/dlq/redrive', { pool: 'general', priority: 'critical' });
    expect(redriven.body).toEqual({ redriven: [expansionTaskId(id)], dropped: [] });
    expect((await local.api('GET', '/dlq?pool=general&priority=critical')).body.letters).toEqual([]);
    expect(await messagesOn('general:critical')).toEqual([expansionTaskId(id)]);
    expect(await runJobMessage(local.stack.services.jobDeps, local.stack.tenant, id, plenty)).toBe('expanded');
    expect((await local.api('GET', `/jobs/${id}`)).body).toMatchObject({ expanded: 600 });
  }, 120_000);
});

import { describe, expect, it } from 'vitest';
import { CachedJobStatus } from '../../shared/adapters/cached-job-status.js';
import { childId } from '../../shared/domain/job.js';
import { CANCEL_STEP } from '../../shared/domain/job-cancellation.js';
import { expansionTaskId } from '../../shared/domain/job-expansion.js';
import type { Task } from '../../shared/domain/task.js';
import type { DeadLetterReader, ReceivedLetter } from '../../shared/ports/dead-letters.js';
import { cancelChildren } from '../../shared/services/cancel-children.js';
import { listDeadLetters, redriveDeadLetters } from '../../shared/services/dead-letters.js';
import { executeDelivery } from '../../shared/services/execute-task.js';
import { expandJob, runJobMessage } from '../../shared/services/expand-job.js';
import { fanIn, reconcileJobs } from '../../shared/services/fan-in.js';
import { continueExpansion } from '../../shared/services/job-messages.js';
import { cancelJob, getJob, submitJob } from '../../shared/services/jobs.js';
import type { TaskLifecycle } from '../../shared/services/task-lifecycle.js';
import { deliveryOf, memoryExecution } from '../helpers/execution.js';
import { memoryJobDeps } from '../helpers/memory-services.js';
import { memoryAgentDeps } from '../helpers/agent-deps.js';
import { leaseTasks, registerAgent } from '../../shared/services/agents.js';
import { submitTask } from '../../shared/services/submit-tasks.js';
import { TOPOLOGY } from '../../shared/topology/topology.js';

const plenty = () => 60_000;
/** An invocation's remaining time with room for `steps` steps of a cancellation run (its claim and reserve read it first), then none. */
function roomFor(steps: number): () => number {
  let calls = 0;
  return () => (calls++ < steps + 1 ? 60_000 : 0);
}

/** A job of `n` children, all written and PENDING. */
async function expandedJob(n: number) {
  const deps = memoryJobDeps();
  const job = await submitJob(deps, 'acme', { map: { type: 'echo', items: Array.from({ length: n }, (_, i) => i) } });
  if (n > 250) expect(await expandJob(deps, 'acme', job.id, plenty)).toBe('expanded');
  deps.services.queue.sent.length = 0;
  return { deps, id: job.id, children: Array.from({ length: n }, (_, i) => childId(job.id, i)) };
}

const statuses = async (deps: ReturnType<typeof memoryJobDeps>, ids: readonly string[]) =>
  (await deps.records.getMany('acme', ids)).reduce<Record<string, number>>((sum, t) => ({ ...sum, [t.status]: (sum[t.status] ?? 0) + 1 }), {});

describe('cancelling a large job', () => {
  it('cancels a step per run at least, hands over with a job message, and the next runs finish it: every child CANCELLED, counted once', async () => {
    const { deps, id, children } = await expandedJob(2_000);
    // The request's part: the job is CANCELLED at once; here its run has room for one step only.
    expect(await deps.jobs.transition('acme', id, ['RUNNING'], { status: 'CANCELLED', unwind: true }, deps.now())).toBe(true);
    expect(await cancelChildren(deps, 'acme', id, roomFor(1), 0)).toBe('handed-over');
    expect(await deps.jobs.get('acme', id)).toMatchObject({ cancelCursor: CANCEL_STEP });
    expect(deps.services.queue.sent.map((m) => m.id)).toEqual([expansionTaskId(id)]);
    const midway = await getJob(deps, 'acme', id);
    expect(midway).toMatchObject({ status: 'CANCELLED', cancelled: CANCEL_STEP, stages: [{ name: 'map', status: 'CANCELLING' }] });

    // The worker that receives the job message carries on to the end.
    expect(await runJobMessage(deps, 'acme', id, plenty)).toBe('cancelled');
    expect(await statuses(deps, children)).toEqual({ CANCELLED: 2_000 });
    expect(await getJob(deps, 'acme', id)).toMatchObject({ cancelled: 2_000, completed: 0, stages: [{ name: 'map', status: 'DONE' }] });
    expect((await deps.jobs.get('acme', id))?.cancelCursor).toBeUndefined();
    expect(await deps.jobs.listActive(100)).toEqual([]);
    // A duplicate job message finds nothing to do.
    expect(await runJobMessage(deps, 'acme', id, plenty)).toBe('not-mine');
  });

  it('DELETE answers with the job CANCELLED and cancels what it can in its budget; a small job is done by then', async () => {
    const { deps, id, children } = await expandedJob(600);
    const answer = await cancelJob(deps, 'acme', id);
    expect(answer).toMatchObject({ status: 'CANCELLED', cancelled: 600, stages: [{ name: 'map', status: 'DONE' }] });
    expect(await statuses(deps, children)).toEqual({ CANCELLED: 600 });
    await expect(cancelJob(deps, 'acme', id)).rejects.toMatchObject({ code: 'already_terminal' });
  });

  it('a run that dies mid-way keeps its hold; the sweep resumes the cancellation once the hold ended and it stopped moving', async () => {
    const { deps, id, children } = await expandedJob(1_000);
    await deps.jobs.transition('acme', id, ['RUNNING'], { status: 'CANCELLED', unwind: true }, deps.now());
    // The run cancels its first step, then dies inside the second.
    let moves = 0;
    const lifecycle = new Proxy(deps.lifecycle, {
      get(target, property) {
        if (property === 'move') {
          return async (...args: Parameters<TaskLifecycle['move']>) => {
            if (++moves > CANCEL_STEP + 10) throw new Error('worker killed');
            return target.move(...args);
          };
        }
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as TaskLifecycle;
    await expect(cancelChildren({ ...deps, lifecycle }, 'acme', id, plenty, 0)).rejects.toThrow('worker killed');
    expect(await deps.jobs.get('acme', id)).toMatchObject({ cancelCursor: CANCEL_STEP });
    expect((await statuses(deps, children)).PENDING).toBeGreaterThan(0);

    // Held and recent: the sweep leaves it; another message's run too.
    await reconcileJobs(deps);
    expect(deps.services.queue.sent).toEqual([]);
    expect(await runJobMessage(deps, 'acme', id, plenty)).toBe('not-mine');

    deps.services.advance(5 * 60);
    await reconcileJobs(deps);
    expect(deps.services.queue.sent.map((m) => m.id)).toEqual([expansionTaskId(id)]);
    expect(await runJobMessage(deps, 'acme', id, plenty)).toBe('cancelled');
    expect(await statuses(deps, children)).toEqual({ CANCELLED: 1_000 });
    expect(await getJob(deps, 'acme', id)).toMatchObject({ cancelled: 1_000, completed: 0 });
  });

  it('a job that fails past its policy cancels its other children the same way', async () => {
    const { deps, id, children } = await expandedJob(800);
    // One child cancelled is one more than a policy of 0 allows: the fan-in after it fails the job.
    await deps.lifecycle.move('acme', children[0] as string, { type: 'cancel' });
    await fanIn(deps, 'acme', id);
    expect(await deps.jobs.get('acme', id)).toMatchObject({ status: 'FAILED' });
    // Whatever its inline part left, job messages finish.
    for (let runs = 0; (await runJobMessage(deps, 'acme', id, plenty)) !== 'not-mine'; runs++) expect(runs).toBeLessThan(10);
    expect(await statuses(deps, children)).toEqual({ CANCELLED: 800 });
    expect(await deps.jobs.listActive(100)).toEqual([]);
  });
});

/** `deps` whose lifecycle runs `before` ahead of each `method` call, and then throws instead of it if `fail` says so. */
function intercept(
  deps: ReturnType<typeof memoryJobDeps>,
  method: 'createChildren' | 'enqueue',
  hooks: { before?: () => Promise<unknown>; fail?: boolean },
): ReturnType<typeof memoryJobDeps> {
  const lifecycle = new Proxy(deps.lifecycle, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== 'function') return value;
      if (property !== method) return value.bind(target);
      return async (...args: unknown[]) => {
        await hooks.before?.();
        if (hooks.fail === true) throw new Error('worker killed');
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as TaskLifecycle;
  return { ...deps, lifecycle };
}

const jobMessages = (deps: ReturnType<typeof memoryJobDeps>, id: string) => deps.services.queue.sent.filter((m) => m.id === expansionTaskId(id));

describe('a job cancelled while an expansion run has a step in hand', () => {
  /** A job of 1,000 items whose first step (250 children) is written and sent; the next run may write 250 … 499. */
  async function expanding() {
    const deps = memoryJobDeps();
    const job = await submitJob(deps, 'acme', { map: { type: 'echo', items: Array.from({ length: 1_000 }, (_, i) => i) } });
    // An expansion run reads its time at its claim, for its reserve and before each step: room for one step.
    expect(await expandJob(deps, 'acme', job.id, roomFor(2))).toBe('handed-over');
    expect(await deps.jobs.get('acme', job.id)).toMatchObject({ expanded: 250 });
    deps.services.queue.sent.length = 0;
    return { deps, id: job.id, children: Array.from({ length: 1_000 }, (_, i) => childId(job.id, i)) };
  }

  it('a run that dies after writing its step: the cancellation waits for its hold to end, then cancels that step too — none stays PENDING', async () => {
    const { deps, id, children } = await expanding();
    // The run takes the job; DELETE arrives before its write; the run writes its step and dies before sending it.
    let answer: Awaited<ReturnType<typeof cancelJob>> | undefined;
    const cancelling = intercept(deps, 'createChildren', { before: async () => (answer = await cancelJob(deps, 'acme', id)) });
    const dying = intercept(cancelling, 'enqueue', { fail: true });
    await expect(expandJob(dying, 'acme', id, plenty)).rejects.toThrow('worker killed');

    // DELETE answered CANCELLED at once, its children left to the cancellation the run's hold keeps waiting.
    expect(answer).toMatchObject({ status: 'CANCELLED', cancelled: 0, stages: [{ name: 'map', status: 'CANCELLING' }] });
    expect(await statuses(deps, children)).toEqual({ PENDING: 500 });
    expect(await deps.jobs.get('acme', id)).toMatchObject({ status: 'CANCELLED', cancelCursor: 0, expanded: 250 });

    // While the dead run's hold lasts, nobody cancels: no job message takes it, the sweep sends none.
    expect(await runJobMessage(deps, 'acme', id, plenty)).toBe('not-mine');
    deps.services.advance(61);
    await reconcileJobs(deps);
    expect(jobMessages(deps, id)).toEqual([]);
    expect(await runJobMessage(deps, 'acme', id, plenty)).toBe('not-mine');

    // Its hold ended (60 s of invocation + 5 s): the sweep sends a job message, which cancels every child written.
    deps.services.advance(5);
    await reconcileJobs(deps);
    expect(jobMessages(deps, id)).toHaveLength(1);
    expect(await runJobMessage(deps, 'acme', id, plenty)).toBe('cancelled');
    expect(await statuses(deps, children)).toEqual({ CANCELLED: 500 });
    // Cut short at 500 of 1,000: the map stage ends CANCELLED (DONE is for a job whose every child finished).
    expect(await getJob(deps, 'acme', id)).toMatchObject({ status: 'CANCELLED', cancelled: 500, stages: [{ name: 'map', status: 'CANCELLED' }] });
    expect(await deps.jobs.listActive(100)).toEqual([]);
    // Nothing past the step in hand was written.
    expect(await deps.records.get('acme', childId(id, 500))).toBeUndefined();
  });

  it('a live run finds the job stopped at its move: cancels its step, lets go and sends a job message, which finishes the cancellation', async () => {
    const { deps, id, children } = await expanding();
    const cancelling = intercept(deps, 'createChildren', { before: () => cancelJob(deps, 'acme', id) });
    expect(await expandJob(cancelling, 'acme', id, plenty)).toBe('stopped');
    expect(await statuses(deps, children)).toEqual({ CANCELLED: 250, PENDING: 250 });
    const job = await deps.jobs.get('acme', id);
    expect([job?.expander, job?.cancelCursor]).toEqual([undefined, 0]);
    expect(jobMessages(deps, id)).toHaveLength(1);

    expect(await runJobMessage(deps, 'acme', id, plenty)).toBe('cancelled');
    expect(await statuses(deps, children)).toEqual({ CANCELLED: 500 });
    expect(await getJob(deps, 'acme', id)).toMatchObject({ cancelled: 500, stages: [{ name: 'map', status: 'CANCELLED' }] });
    expect(await deps.jobs.listActive(100)).toEqual([]);
  });

  it('with no Lambda pool to send a job message to (every pool on agents: the sweep expands), the run cancels the rest itself', async () => {
    const { deps, id, children } = await expanding();
    const agentsOnly = { ...deps, pools: TOPOLOGY.pools.map((pool) => ({ ...pool, runsOn: 'agents' as const })) };
    const cancelling = intercept(agentsOnly, 'createChildren', { before: () => cancelJob(agentsOnly, 'acme', id) });
    expect(await expandJob(cancelling, 'acme', id, plenty)).toBe('stopped');
    expect(jobMessages(deps, id)).toEqual([]);
    expect(await statuses(deps, children)).toEqual({ CANCELLED: 500 });
    expect(await deps.jobs.listActive(100)).toEqual([]);
  });

  it('a run whose job fails (its items gone) lets go of its own hold, so the failure’s cancellation is not kept out by it', async () => {
    const { deps, id, children } = await expanding();
    const jobs = Object.assign(Object.create(deps.store) as typeof deps.store, { getChunk: async () => undefined });
    expect(await expandJob({ ...deps, jobs }, 'acme', id, plenty)).toBe('stopped');
    const job = await deps.jobs.get('acme', id);
    expect(job).toMatchObject({ status: 'FAILED', error: expect.stringContaining('missing') });
    expect([job?.expander, job?.cancelCursor]).toEqual([undefined, undefined]);
    expect(await statuses(deps, children)).toEqual({ CANCELLED: 250 });
    expect(await deps.jobs.listActive(100)).toEqual([]);
  });
});

describe('a child of a stopped job, delivered before the cancellation reached it', () => {
  it('is cancelled by the worker instead of started, and counted once, as cancelled', async () => {
    const { deps, id, children } = await expandedJob(600);
    await deps.jobs.transition('acme', id, ['RUNNING'], { status: 'CANCELLED', unwind: true }, deps.now());
    let ran = 0;
    const worker = memoryExecution(deps.services, { echo: () => void ran++ }, { jobStopped: async (_tenant, jobId) => (await deps.jobs.get('acme', jobId))?.status === 'CANCELLED' });
    const child = (await deps.records.get('acme', children[599] as string)) as Task;
    expect(await executeDelivery(worker, deliveryOf(child))).toMatchObject({ action: 'delete' });
    expect(ran).toBe(0);
    expect(await deps.records.get('acme', child.id)).toMatchObject({ status: 'CANCELLED', attempts: 0 });
    expect(await runJobMessage(deps, 'acme', id, plenty)).toBe('cancelled');
    expect(await getJob(deps, 'acme', id)).toMatchObject({ cancelled: 600, completed: 0 });
  });

  it('on an agent pool is cancelled by a lease call instead of leased, while other work of the pool is leased', async () => {
    const deps = memoryJobDeps();
    const agentDeps = { ...memoryAgentDeps(deps.services), jobStopped: async (tenant: string, jobId: string) => (await deps.jobs.get(tenant, jobId))?.status === 'CANCELLED' };
    const job = await submitJob(deps, 'acme', { map: { type: 'sh', items: [1, 2, 3] }, requires: ['shell'] });
    const children = [0, 1, 2].map((i) => childId(job.id, i));
    const { task: other } = await submitTask(deps.services, 'acme', { type: 'sh', requires: ['shell'] });
    // Stopped, but its cancellation has not reached the children yet.
    await deps.jobs.transition('acme', job.id, ['RUNNING'], { status: 'CANCELLED', unwind: true }, deps.now());
    const agent = await registerAgent(agentDeps, 'acme', { capabilities: ['shell'], capacity: { slots: 4 } });

    const leased = await leaseTasks(agentDeps, 'acme', agent.id, { max: 4 });

    expect(leased.map((t) => t.id)).toEqual([other.id]);
    expect(await statuses(deps, children)).toEqual({ CANCELLED: 3 });
    expect(await runJobMessage(deps, 'acme', job.id, plenty)).toBe('cancelled');
    expect(await getJob(deps, 'acme', job.id)).toMatchObject({ cancelled: 3, completed: 0 });
  });

  it('without that check (as before) it runs, and the job counts it once: as COMPLETED when it finished first', async () => {
    const { deps, id, children } = await expandedJob(600);
    await deps.jobs.transition('acme', id, ['RUNNING'], { status: 'CANCELLED', unwind: true }, deps.now());
    const worker = memoryExecution(deps.services, { echo: () => 'done' });
    const child = (await deps.records.get('acme', children[599] as string)) as Task;
    await executeDelivery(worker, deliveryOf(child));
    expect(await runJobMessage(deps, 'acme', id, plenty)).toBe('cancelled');
    expect(await getJob(deps, 'acme', id)).toMatchObject({ status: 'CANCELLED', cancelled: 599, completed: 1 });
  });
});

/** A DLQ holding `letters`, recording what was deleted and released. */
function deadLetterQueue(letters: ReceivedLetter[]): DeadLetterReader & { deleted: string[]; released: string[] } {
  const waiting = [...letters];
  const deleted: string[] = [];
  const released: string[] = [];
  return {
    deleted,
    released,
    receive: async (queueKey, max) => waiting.filter((l) => l.queueKey === queueKey).splice(0, max).map((l) => (waiting.splice(waiting.indexOf(l), 1), l)),
    release: async (_key, receipt) => void released.push(receipt),
    delete: async (_key, receipt) => void deleted.push(receipt),
  };
}

describe('a job message in a dead-letter queue', () => {
  const letterFor = (jobId: string): ReceivedLetter => ({
    queueKey: 'general:critical',
    receipt: `r-${jobId}`,
    messageId: `m-${jobId}`,
    letter: { taskId: expansionTaskId(jobId), tenant: 'acme', sentAt: '2026-01-01T00:00:00.000Z' } as ReceivedLetter['letter'],
  });

  it('is listed as its job’s, not as a task', async () => {
    const { deps, id } = await expandedJob(300);
    const reader = deadLetterQueue([letterFor(id)]);
    const { letters } = await listDeadLetters({ ...deps, reader, continueJob: (job) => continueExpansion(deps, job) }, 'acme', { pool: 'general', priority: 'critical' });
    expect(letters).toEqual([expect.objectContaining({ taskId: expansionTaskId(id), jobId: id, type: 'job-message', queue: 'general:critical' })]);
  });

  it('on redrive sends a new job message while the job has work, and is dropped once it has none', async () => {
    const deps = memoryJobDeps();
    const stalled = await submitJob(deps, 'acme', { map: { type: 'echo', items: Array.from({ length: 600 }, (_, i) => i) } });
    const { id: finished } = await submitJob(deps, 'acme', { map: { type: 'echo', items: [1, 2] } });
    deps.services.queue.sent.length = 0;
    const reader = deadLetterQueue([letterFor(stalled.id), letterFor(finished)]);
    const redrive = await redriveDeadLetters({ ...deps, reader, continueJob: (job) => continueExpansion(deps, job) }, 'acme', { pool: 'general', priority: 'critical' });
    expect(redrive).toEqual({ redriven: [expansionTaskId(stalled.id)], dropped: [expansionTaskId(finished)] });
    expect(deps.services.queue.sent.map((m) => m.id)).toEqual([expansionTaskId(stalled.id)]);
    expect(reader.deleted.sort()).toEqual([`r-${finished}`, `r-${stalled.id}`].sort());
    // The redriven message expands the job to the end.
    expect(await runJobMessage(deps, 'acme', stalled.id, plenty)).toBe('expanded');
  });
});

describe('a worker’s view of whether a job stopped', () => {
  it('keeps a stopped answer, and reads a running job again after its time', async () => {
    let status: 'RUNNING' | 'CANCELLED' = 'RUNNING';
    let reads = 0;
    let now = 0;
    const cache = new CachedJobStatus({ get: async () => (reads++, { status } as never) }, 5_000, () => now);
    expect(await cache.stopped('acme', 'j')).toBe(false);
    status = 'CANCELLED';
    expect(await cache.stopped('acme', 'j')).toBe(false); // within its time: not read again
    now = 5_000;
    expect(await cache.stopped('acme', 'j')).toBe(true);
    now = 10_000_000;
    expect(await cache.stopped('acme', 'j')).toBe(true);
    expect(reads).toBe(2);
  });
});

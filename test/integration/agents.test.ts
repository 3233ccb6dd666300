import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskfleetApiError, TaskfleetClient, Worker, type WorkerOptions } from '../../sdk/index.js';
import type { LocalStack } from '../../local/runtime.js';
import { startTestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait.js';

let stack: LocalStack;
let client: TaskfleetClient;

beforeAll(async () => {
  // The sweep finds lapsed leases (every second here; every minute on AWS).
  // Lapsed leases come back within seconds, and retries need no backoff.
  stack = await startTestStack({ workers: false, sweepSeconds: 1, env: { TASKFLEET_LEASE_GRACE_SECONDS: '1', TASKFLEET_RETRY_BASE_SECONDS: '0' } });
  client = new TaskfleetClient({ url: stack.apiUrl, token: stack.token });
});
afterAll(async () => stack?.stop());

const register = async (capabilities: string[], capacity: { slots: number; gpu?: number } = { slots: 1 }): Promise<string> =>
  (await client.registerWorker({ capabilities, capacity })).id;

/** An SDK Worker against this stack: quick long polls, no signal handlers (the test stops it). */
const testWorker = (options: Omit<WorkerOptions, 'url' | 'token' | 'handleSignals'>): Worker =>
  new Worker({ url: stack.apiUrl, token: stack.token, handleSignals: false, leaseWaitSeconds: 1, ...options });

describe('routing by capability', () => {
  it('never gives a ["gpu"] task to a ["database"] agent, and gives it to a ["gpu"] one', async () => {
    const db = await register(['database']);
    const gpu = await register(['gpu']);
    const { id } = await client.submit({ type: 'render', requires: ['gpu'] });
    expect(await client.lease(db, { max: 5, waitSeconds: 1 })).toEqual([]);
    const leased = await client.lease(gpu, { max: 5 });
    expect(leased.map((t) => t.id)).toEqual([id]);
    await client.complete(id, leased[0]!.leaseToken, null);
  });
});

describe('capacity', () => {
  it('never leases more than the agent’s free slots', async () => {
    const agent = await register(['postgres'], { slots: 2 });
    const ids = await Promise.all(Array.from({ length: 5 }, async () => (await client.submit({ type: 'q', requires: ['postgres'] })).id));
    const first = await client.lease(agent, { max: 10 });
    expect(first).toHaveLength(2);
    expect(await client.lease(agent, { max: 10 })).toEqual([]);
    await client.complete(first[0]!.id, first[0]!.leaseToken, 'ok');
    const next = await client.lease(agent, { max: 10 });
    expect(next).toHaveLength(1);
    // tidy: finish everything so other tests see empty queues
    for (const t of [first[1]!, next[0]!]) await client.complete(t.id, t.leaseToken, 'ok');
    for (let rest = await client.lease(agent, { max: 2 }); rest.length > 0; rest = await client.lease(agent, { max: 2 })) {
      for (const t of rest) await client.complete(t.id, t.leaseToken, 'ok');
    }
    expect(ids).toHaveLength(5);
  });

  it('never leases tasks whose resources do not fit what is free', async () => {
    const agent = await register(['cuda'], { slots: 3, gpu: 1 });
    for (let i = 0; i < 2; i++) await client.submit({ type: 'train', requires: ['cuda'], resources: { gpu: 1 } });
    const first = await client.lease(agent, { max: 3 });
    expect(first).toHaveLength(1);
    expect(await client.lease(agent, { max: 3 })).toEqual([]);
    await client.complete(first[0]!.id, first[0]!.leaseToken, null);
    const second = await client.lease(agent, { max: 3 });
    expect(second).toHaveLength(1);
    await client.complete(second[0]!.id, second[0]!.leaseToken, null);
  });
});

describe('lease tokens', () => {
  it('answers 409 to a stale or foreign token and changes nothing; the right one completes', async () => {
    const agent = await register(['gpu']);
    const { id } = await client.submit({ type: 'render', requires: ['gpu'] });
    const [task] = await client.lease(agent, { max: 1 });
    const stale = await client.complete(id, 'tf_not-the-token', { forged: true }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(TaskfleetApiError);
    expect(stale).toMatchObject({ status: 409, code: 'stale_lease' });
    expect((await client.get(id)).status).toBe('ACTIVE');
    expect(await client.complete(id, task!.leaseToken, { frames: 3 })).toMatchObject({ status: 'COMPLETED', result: { frames: 3 } });
    expect(await client.complete(id, task!.leaseToken, { again: true }).catch((e: unknown) => e)).toMatchObject({ status: 409 });
  });

  it('returns a lapsed lease to the queue: another agent gets it, and the old token is refused', async () => {
    const a = await register(['gpu']);
    const b = await register(['gpu']);
    const { id } = await client.submit({ type: 'render', requires: ['gpu'], timeoutSeconds: 1, maxAttempts: 3 });
    const [first] = await client.lease(a, { max: 1 });
    const [second] = await waitFor(() => client.lease(b, { max: 1, waitSeconds: 2 }), (tasks) => tasks.length > 0, 15_000, 0);
    expect(second).toMatchObject({ id, attempt: 2 });
    expect(await client.complete(id, first!.leaseToken, 'late').catch((e: unknown) => e)).toMatchObject({ status: 409 });
    await client.complete(id, second!.leaseToken, 'on time');
    expect(await client.get(id)).toMatchObject({ status: 'COMPLETED', attempts: 2, result: 'on time' });
  });

  it('heartbeats extend a lease; progress shows; fail retries then dead-letters', async () => {
    const agent = await register(['gpu']);
    const { id } = await client.submit({ type: 'render', requires: ['gpu'], maxAttempts: 2 });
    const [task] = await client.lease(agent, { max: 1 });
    const { leaseExpiresAt } = await client.heartbeatTask(id, task!.leaseToken);
    expect(Date.parse(leaseExpiresAt)).toBeGreaterThanOrEqual(Date.parse(task!.leaseExpiresAt));
    await client.progress(id, task!.leaseToken, 0.4, 'rendering');
    expect((await client.get(id)).progress).toEqual({ fraction: 0.4, message: 'rendering' });
    expect(await client.fail(id, task!.leaseToken, 'GPU fell off the bus')).toMatchObject({ status: 'PENDING', attempts: 1 });
    const [again] = await waitFor(() => client.lease(agent, { max: 1, waitSeconds: 1 }), (t) => t.length > 0, 10_000, 0);
    expect(await client.fail(id, again!.leaseToken, 'still broken')).toMatchObject({ status: 'FAILED', attempts: 2, error: { message: 'still broken' } });
    expect((await client.stats()).queues?.find((q) => q.pool === 'gpu' && q.priority === 'normal')?.deadLetters).toBeGreaterThanOrEqual(1);
  });
});

describe('the SDK Worker', () => {
  it('shares 100 equal tasks among 5 idle equal agents: every one gets work', async () => {
    const ids = (await client.submitBatch(Array.from({ length: 100 }, () => ({ type: 'fair', requires: ['shell'] })))).items.map((i) => ('id' in i ? i.id : ''));
    const workers = Array.from({ length: 5 }, (_, n) => {
      const worker = testWorker({
        capabilities: ['shell'],
        handlers: { fair: async () => { await new Promise((r) => setTimeout(r, 40)); return `w${n}`; } },
      });
      return { worker, running: worker.run() };
    });
    const results = await waitFor(
      () => Promise.all(ids.map((id) => client.get(id))),
      (tasks) => tasks.every((t) => t.status === 'COMPLETED'),
      // Generous: on a loaded 2-core machine 100 lease round trips through DynamoDB Local take minutes.
      240_000,
      2000,
    );
    await Promise.all(workers.map(async ({ worker, running }) => { await worker.stop(); await running; }));
    const counts = new Map<string, number>();
    for (const t of results) counts.set(String(t.result), (counts.get(String(t.result)) ?? 0) + 1);
    console.log('tasks per agent', Object.fromEntries(counts));
    // Evenness is measured by `npm run bench:agents` (load CV), not asserted here: in a pull
    // model on a loaded machine, whichever agent's lease calls run faster takes more.
    expect(counts.size).toBe(5);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(100);
  }, 300_000);

  it('keeps leasing while 15 % of its tasks fail deterministically: task failures never trip its breaker', async () => {
    // Every seventh task fails on every attempt (≈ 15 %): they end FAILED in the DLQ, the rest COMPLETED.
    const ids = (await client.submitBatch(Array.from({ length: 40 }, (_, i) => ({ type: 'flaky', requires: ['shell'], payload: { i }, maxAttempts: 2 })))).items.map((i) => ('id' in i ? i.id : ''));
    const errors: string[] = [];
    const worker = testWorker({
      capabilities: ['shell'],
      // A breaker that would open after two failures in a row if task failures counted.
      circuit: { failureThreshold: 2, cooldownSeconds: 600 },
      handlers: {
        flaky: async (payload) => {
          if ((payload as { i: number }).i % 7 === 0) throw new Error('bad input, always');
          return 'ok';
        },
      },
      log: (event) => void (event.kind === 'error' && errors.push(event.error)),
    });
    const running = worker.run();
    const tasks = await waitFor(
      () => Promise.all(ids.map((id) => client.get(id))),
      (all) => all.every((t) => t.status === 'COMPLETED' || t.status === 'FAILED'),
      240_000,
      1000,
    );
    await worker.stop();
    await running;
    const failed = tasks.filter((t) => t.status === 'FAILED');
    expect(failed.map((t) => (t.payload as { i: number }).i).sort((a, b) => a - b)).toEqual([0, 7, 14, 21, 28, 35]);
    for (const t of failed) expect(t).toMatchObject({ attempts: 2, error: { message: 'bad input, always' } });
    expect(tasks.filter((t) => t.status === 'COMPLETED')).toHaveLength(34);
    expect(errors).toEqual([]);
  }, 300_000);

  it('carries completions in its lease calls while busy: every task COMPLETED with its result, fewer requests than tasks', async () => {
    const sent = { lease: 0, carried: 0, completeAlone: 0 };
    const counting: typeof fetch = async (input, init) => {
      const url = String(input);
      if (url.endsWith('/complete')) sent.completeAlone++;
      if (url.endsWith('/lease')) {
        sent.lease++;
        sent.carried += (JSON.parse(String(init?.body ?? '{}')) as { completed?: unknown[] }).completed?.length ?? 0;
      }
      return fetch(input, init);
    };
    const completed: string[] = [];
    const worker = testWorker({
      capabilities: ['carrier'],
      concurrency: 4,
      fetch: counting,
      handlers: { carry: async (payload) => ({ doubled: (payload as { i: number }).i * 2 }) },
      log: (event) => void (event.kind === 'completed' && completed.push(event.task.id)),
    });
    const running = worker.run();
    // Registered first: admission refuses work for a capability no agent has.
    await waitFor(() => Promise.resolve(worker.workerId), (id) => id !== undefined, 60_000);
    const ids = (await client.submitBatch(Array.from({ length: 40 }, (_, i) => ({ type: 'carry', requires: ['carrier'], payload: { i } })))).items.map((i) => ('id' in i ? i.id : ''));
    const tasks = await waitFor(() => Promise.all(ids.map((id) => client.get(id))), (all) => all.every((t) => t.status === 'COMPLETED'), 240_000, 1000);
    await worker.stop();
    await running;
    for (const t of tasks) expect(t.result).toEqual({ doubled: (t.payload as { i: number }).i * 2 });
    expect(completed.sort()).toEqual([...ids].sort());
    // Each end went exactly one way; a busy worker's ends mostly ride the lease calls it makes anyway.
    expect(sent.carried + sent.completeAlone).toBe(40);
    expect(sent.carried).toBeGreaterThan(0);
    expect(sent.lease + sent.completeAlone).toBeLessThan(40);
  }, 300_000);

  it('hands running tasks back on stop, without counting their attempt', async () => {
    const worker = testWorker({
      capabilities: ['shell'],
      gracePeriodMs: 200,
      handlers: { slow: (_p, ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))) },
    });
    const running = worker.run();
    const { id } = await client.submit({ type: 'slow', requires: ['shell'] });
    await waitFor(() => client.get(id), (t) => t.status === 'ACTIVE');
    await worker.stop();
    await running;
    expect(await client.get(id)).toMatchObject({ status: 'PENDING', attempts: 0 });
    await client.cancel(id);
  });

  it('once idle, asks without waiting between idle polls, still takes a new task, and long-polls again after it', async () => {
    const waits: number[] = [];
    let leasedAfter = -1;
    const worker = testWorker({
      capabilities: ['idle-poll'],
      idleAfterSeconds: 1,
      idlePollSeconds: 1,
      handlers: { nap: () => 'done' },
      log: (event) => void (event.kind === 'leased' && (leasedAfter = waits.length)),
    });
    const lease = worker.client.agents.lease.bind(worker.client.agents);
    worker.client.agents.lease = (agentId, request) => {
      waits.push(request?.waitSeconds ?? -1);
      return lease(agentId, request);
    };
    const running = worker.run();
    await waitFor(() => Promise.resolve(waits), (w) => w.filter((s) => s === 0).length >= 2, 60_000);
    const { id } = await client.submit({ type: 'nap', requires: ['idle-poll'] });
    await waitFor(() => client.get(id), (t) => t.status === 'COMPLETED', 60_000);
    await waitFor(() => Promise.resolve(waits), (w) => w.length > leasedAfter, 60_000);
    await worker.stop();
    await running;
    // Long polls (1 s here) until idle, quick asks while idle, and a long poll again right after the task.
    expect(waits[0]).toBe(1);
    expect(waits.filter((s) => s === 0).length).toBeGreaterThanOrEqual(2);
    expect(waits[leasedAfter]).toBe(1);
  }, 120_000);
});

describe('agents that die', () => {
  it('re-leases the task of an agent killed mid-task, and it completes exactly once', async () => {
    const { id } = await client.submit({ type: 'crashy', requires: ['database'], timeoutSeconds: 2, maxAttempts: 3 });
    const doomed: ChildProcess = spawn(
      'node',
      ['bin/taskfleet.mjs', '--url', stack.apiUrl, '--token', stack.token, 'work', '--capabilities', 'database', '--', 'sh', '-c', 'sleep 30'],
      { detached: true, stdio: 'ignore' },
    );
    await waitFor(() => client.get(id), (t) => t.status === 'ACTIVE', 20_000);
    process.kill(-(doomed.pid as number), 'SIGKILL');

    let runs = 0;
    const survivor = testWorker({
      capabilities: ['database'],
      handlers: { crashy: () => { runs++; return 'survived'; } },
    });
    const running = survivor.run();
    const done = await waitFor(() => client.get(id), (t) => t.status === 'COMPLETED', 30_000, 200);
    await survivor.stop();
    await running;
    expect(done).toMatchObject({ result: 'survived', attempts: 2 });
    expect(runs).toBe(1);
  });
});

describe('taskfleet work', () => {
  const work = (...command: string[]): ChildProcess =>
    spawn('node', ['bin/taskfleet.mjs', '--url', stack.apiUrl, '--token', stack.token, 'work', '--capabilities', 'shell', '--', ...command], { stdio: 'ignore' });

  it('completes tasks with the command’s output, and fails them with its stderr', async () => {
    const cat = work('sh', '-c', 'cat');
    try {
      const { id } = await client.submit({ type: 'anything', requires: ['shell'], payload: { n: 42 } });
      const done = await client.wait(id, { timeoutMs: 20_000, intervalMs: 200 });
      expect(done).toMatchObject({ status: 'COMPLETED', result: { id, payload: { n: 42 } } });
    } finally {
      cat.kill('SIGTERM');
    }
    const failing = work('sh', '-c', 'echo broken pipe dream >&2; exit 2');
    try {
      const { id } = await client.submit({ type: 'anything', requires: ['shell'], maxAttempts: 1 });
      const failed = await client.wait(id, { timeoutMs: 20_000, intervalMs: 200 });
      expect(failed.status).toBe('FAILED');
      expect(failed.error?.message).toContain('broken pipe dream');
    } finally {
      failing.kill('SIGTERM');
    }
  });
});

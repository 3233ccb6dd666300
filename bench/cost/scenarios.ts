/**
 * The cost scenarios. Each runs under its own tenant, so its stream records
 * and calls are its own, and drives the real local stack over HTTP.
 */
import { v7 as uuidv7 } from 'uuid';
import { Worker } from '../../sdk/index.js';

export interface ScenarioContext {
  readonly apiUrl: string;
  readonly token: string;
  readonly tasks: number;
  /** Start and stop Lambda's event-source mappings (Lambda-pool scenarios only). */
  readonly startMappings: () => Promise<{ stop(): Promise<void> }>;
  readonly progress: (submitted: number) => void;
}

export interface Scenario {
  readonly name: string;
  readonly tenant: string;
  /** How many task records reach COMPLETED when the scenario is done. */
  readonly completedTasks: (tasks: number) => number;
  /** Submits and starts whatever executes; returns what to stop after the last completion. */
  readonly run: (ctx: ScenarioContext) => Promise<() => Promise<void>>;
}

/** A payload whose record, with its echoed result, stays near 1 KB (see README "Cost per task"). */
export const ONE_KB_RECORD_PAYLOAD = { text: 'x'.repeat(240) };
/** A 1 KB payload: echoed, its record is ~2 KB. */
export const ONE_KB_PAYLOAD = { text: 'x'.repeat(1012) };
const JOB_CHILDREN = 100;

async function post(ctx: ScenarioContext, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${ctx.apiUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as unknown;
  if (response.status >= 300) throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

async function inParallel(count: number, width: number, each: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await each(next++);
  }));
}

/**
 * 500 tasks a call. Each task carries its own id (a UUIDv7, as the server would
 * make: the table lists such a task itself), so a call that answers 503 (timed out on a loaded machine, maybe after
 * writing some) can be sent again: the ones already written answer 409.
 */
async function batchSubmit(ctx: ScenarioContext, task: Record<string, unknown>): Promise<void> {
  for (let offset = 0; offset < ctx.tasks; offset += 500) {
    const n = Math.min(500, ctx.tasks - offset);
    const body = { tasks: Array.from({ length: n }, () => ({ ...task, id: uuidv7() })) };
    for (let attempt = 1; ; attempt++) {
      try {
        await post(ctx, '/tasks/batch', body);
        break;
      } catch (error) {
        // A retry refused only as duplicates: the timed-out call had written them all.
        if (attempt > 1 && /answered 400: .*"rejected":\d+,"items":\[\{"index":0,"status":409/.test(String(error))) break;
        if (attempt >= 5 || !String(error).includes('answered 503')) throw error;
      }
    }
    ctx.progress(offset + n);
  }
}

const lambdaScenario = (name: string, tenant: string, submit: (ctx: ScenarioContext) => Promise<void>): Scenario => ({
  name,
  tenant,
  completedTasks: (n) => n,
  run: async (ctx) => {
    const mappings = await ctx.startMappings();
    await submit(ctx);
    return () => mappings.stop();
  },
});

export const SCENARIOS: readonly Scenario[] = [
  lambdaScenario('single submit', 'cost-single', (ctx) =>
    inParallel(ctx.tasks, 8, async (i) => {
      await post(ctx, '/tasks', { type: 'echo', payload: ONE_KB_RECORD_PAYLOAD });
      ctx.progress(i + 1);
    }),
  ),
  lambdaScenario('batch submit', 'cost-batch', (ctx) => batchSubmit(ctx, { type: 'echo', payload: ONE_KB_RECORD_PAYLOAD })),
  lambdaScenario('batch, 1 KB payload', 'cost-payload', (ctx) => batchSubmit(ctx, { type: 'echo', payload: ONE_KB_PAYLOAD })),
  {
    name: 'agent lease',
    tenant: 'cost-agent',
    completedTasks: (n) => n,
    run: async (ctx) => {
      // Agents register first: admission control refuses work no agent could run.
      const workers = Array.from({ length: 4 }, () => {
        let registered!: () => void;
        const ready = new Promise<void>((resolve) => (registered = resolve));
        const worker = new Worker({
          url: ctx.apiUrl,
          token: ctx.token,
          capabilities: ['shell'],
          concurrency: 8,
          leaseWaitSeconds: 2,
          handleSignals: false,
          handlers: { echo: async (payload) => payload },
          log: (event) => { if (event.kind === 'registered') registered(); },
        });
        return { worker, running: worker.run(), ready };
      });
      await Promise.all(workers.map((w) => w.ready));
      await batchSubmit(ctx, { type: 'echo', requires: ['shell'], payload: ONE_KB_RECORD_PAYLOAD });
      return async () => {
        await Promise.all(workers.map(async (w) => { await w.worker.stop(); await w.running; }));
      };
    },
  },
  {
    name: 'job child',
    tenant: 'cost-job',
    // Each job of up to 100 children ends in one reduce task.
    completedTasks: (n) => n + Math.ceil(n / JOB_CHILDREN),
    run: async (ctx) => {
      const mappings = await ctx.startMappings();
      for (let offset = 0; offset < ctx.tasks; offset += JOB_CHILDREN) {
        const n = Math.min(JOB_CHILDREN, ctx.tasks - offset);
        await post(ctx, '/jobs', {
          map: { type: 'count-words', items: Array.from({ length: n }, (_, i) => ({ text: `taskfleet child ${offset + i} `.repeat(12) })) },
          reduce: { type: 'merge-counts' },
        });
        ctx.progress(offset + n);
      }
      return () => mappings.stop();
    },
  },
];

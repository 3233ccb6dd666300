/**
 * `--live`: the GPU fleet against a local stack over HTTP, as real agents would
 * run it. Each agent is an SDK `Worker` (live-fleet.ts) that "runs" a task by
 * sleeping its run time scaled by `timeScale`; a submitter posts tasks at their
 * (scaled) arrival times. At the end every task is read back, and the run is
 * judged on the server's records and printed (live-report.ts).
 */
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLocalStack } from '../../local/runtime.js';
import { ApiError, client, type Call } from './live-client.js';
import { startFleet, type Fleet } from './live-fleet.js';
import type { LeaseCall, ServerTask } from './live-judge.js';
import { poolKnobs, reportLive, type LiveRun } from './live-report.js';
import { knobsTimes } from './knobs.js';
import { WORKLOADS, type TaskSpec } from './workload.js';
import { dueUntil } from './arrivals.js';
import { percentiles } from '../../shared/domain/stats.js';
import { LIMITS } from '../../shared/domain/limits.js';

export interface LiveOptions {
  readonly seed: number;
  readonly tasks: number;
  /** Real seconds per workload second. */
  readonly timeScale: number;
  /** Which GPU workload runs: the proportional fleet (`gpu`) or the three clusters of different shapes. @default 'gpu' */
  readonly workload?: 'gpu' | 'clusters';
  /** Write the run (the server's records, the lease calls; a `LiveRun`) here as JSON, to judge again with `--judge`. */
  readonly recordsFile?: string;
  /**
   * Run the server with the pool's scheduling knobs in real seconds, as the pools file
   * has them, rather than scaled by `timeScale` to the workload's clock (see knobs.ts).
   * @default false
   */
  readonly realKnobs?: boolean;
}

interface TaskView {
  readonly id: string;
  readonly status: string;
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly worker?: string;
  readonly deadline?: string;
}

export async function runLive(options: LiveOptions): Promise<void> {
  const workload = WORKLOADS[options.workload ?? 'gpu'](options.seed, options.tasks);
  const scale = options.timeScale;
  console.log(`starting a local stack (fauxqs, DynamoDB Local)…`);
  const knobsScaled = options.realKnobs !== true;
  const scheduling = knobsScaled ? knobsTimes(poolKnobs(), scale) : undefined;
  const stack = await startLocalStack({ port: 0, sqsPort: 0, dynamoDbPort: 0, region: 'us-east-1', prefix: `agents${Date.now()}-`, tenant: 'bench', schedule: false, workers: false, ...(scheduling !== undefined ? { scheduling } : {}) });
  const call = client(stack.apiUrl, stack.token);
  // How long the server took per call, by function: where a slow dispatch spends its time (a lease call's includes its wait).
  const serverMs = new Map<string, number[]>();
  stack.observeInvocations(({ functionName, ms }) => {
    const list = serverMs.get(functionName);
    if (list === undefined) serverMs.set(functionName, [ms]);
    else list.push(ms);
  });
  try {
    const fleet = await startFleet({ url: stack.apiUrl, token: stack.token, agents: workload.agents, timeScale: scale });
    await warmUp(call, fleet, workload.agents.length);
    const serverIds = new Map<string, string>(); // bench id → task id on the server
    const submitted = new Map<string, number>(); // bench id → performance.now() when the POST answered
    const refused: string[] = [];
    const t0 = performance.now();
    const wall0 = Date.now();

    for (let next = 0; next < workload.tasks.length; ) {
      const delay = (workload.tasks[next] as TaskSpec).arrival * scale * 1000 - (performance.now() - t0);
      if (delay > 0) await sleep(delay);
      // What is due goes in one request, as a client with a backlog sends it (see arrivals.ts).
      const end = dueUntil(workload.tasks, next, (performance.now() - t0) / 1000 / scale, LIMITS.batchItems);
      const batch = workload.tasks.slice(next, end);
      next = end;
      for (const [task, answer] of await submit(call, batch, scale)) {
        if (typeof answer === 'string') refused.push(`${task.id}: ${answer}`);
        else {
          serverIds.set(task.id, answer.id);
          submitted.set(task.id, performance.now());
        }
      }
    }
    const benchIds = new Map([...serverIds].map(([bench, server]) => [server, bench]));
    const limit = t0 + ((workload.tasks.at(-1)?.arrival ?? 0) * 1.5 + 1200) * scale * 1000 + 60_000;
    await settle(call, fleet, serverIds, limit);
    await fleet.stop();

    const records = await Promise.all([...serverIds].map(async ([bench, id]) => [bench, await call<TaskView>('GET', `/tasks/${id}`)] as const));
    const statuses = new Map<string, number>();
    for (const [, view] of records) if (view.status !== 'COMPLETED') statuses.set(view.status, (statuses.get(view.status) ?? 0) + 1);
    const tasks = records.map(([bench, view]) => serverTask(workload.tasks.find((t) => t.id === bench) as TaskSpec, view, fleet.agentIds));
    const calls: LeaseCall[] = fleet.leases.map((l) => ({ agent: l.agent, tasks: l.tasks.map((id) => benchIds.get(id) ?? id) }));
    const leased = Object.fromEntries(fleet.leases.flatMap((l) => l.tasks.map((id) => [benchIds.get(id) ?? id, l.answered] as const)));
    const letters = await call<{ letters: unknown[] }>('GET', '/dlq?limit=100').catch(() => ({ letters: [] }));
    const run: LiveRun = {
      seed: options.seed,
      workload: options.workload ?? 'gpu',
      taskCount: options.tasks,
      timeScale: scale,
      knobsScaled,
      wall0,
      tasks,
      calls,
      submitted: Object.fromEntries(submitted),
      leased,
      notCompleted: Object.fromEntries(statuses),
      refused,
      deadLetters: letters.letters?.length ?? 0,
    };
    if (options.recordsFile !== undefined) writeFileSync(options.recordsFile, JSON.stringify(run));
    reportLive(run);
    const line = [...serverMs].filter(([name]) => name !== 'Authorizer').map(([name, ms]) => {
      const p = percentiles(ms);
      return p === undefined ? name : `${name} ${p.p50.toFixed(0)}/${p.p95.toFixed(0)} (${ms.length})`;
    });
    console.log(`server time per call, ms p50/p95 (calls): ${line.join(', ')}`);
  } finally {
    await stack.stop();
  }
}

/** Submits tasks (one POST, or a batch for several): each task's server id, or why it was refused. */
async function submit(call: Call, tasks: readonly TaskSpec[], scale: number): Promise<[TaskSpec, { id: string } | string][]> {
  if (tasks.length === 1) {
    const task = tasks[0] as TaskSpec;
    return [[task, await call<{ id: string }>('POST', '/tasks', submission(task, scale)).catch((error: unknown) => (error as Error).message)]];
  }
  type Items = { items: ({ index: number; id: string } | { index: number; error: { message: string } })[] };
  const answer = await call<Items>('POST', '/tasks/batch', { tasks: tasks.map((t) => submission(t, scale)) }).catch((error: unknown) =>
    error instanceof ApiError && (error.body as Partial<Items> | undefined)?.items !== undefined ? (error.body as Items) : (error as Error).message,
  );
  if (typeof answer === 'string') return tasks.map((t) => [t, answer]);
  return answer.items.map((item) => [tasks[item.index] as TaskSpec, 'id' in item ? { id: item.id } : item.error.message]);
}

function submission(task: TaskSpec, scale: number): Record<string, unknown> {
  return {
    type: 'bench.gpu',
    payload: { work: task.work },
    priority: task.priority,
    requires: task.requires,
    resources: task.resources,
    ...(task.deadline !== undefined ? { deadline: new Date(Date.now() + (task.deadline - task.arrival) * scale * 1000).toISOString() } : {}),
  };
}

/**
 * A few zero-length tasks through the whole path before the clock starts: the
 * first lease calls and claims on a fresh stack (cold JIT, DynamoDB Local's
 * first queries) take seconds, which is start-up, not scheduling.
 */
async function warmUp(call: Call, fleet: Pick<Fleet, 'completed'>, count: number): Promise<void> {
  const probe = { type: 'bench.gpu', payload: { work: 0 }, requires: ['cuda'], resources: { gpu: 1, cpu: 4, memoryMb: 32_000 } };
  const ids = await Promise.all(Array.from({ length: count }, async () => (await call<{ id: string }>('POST', '/tasks', probe)).id));
  const until = performance.now() + 120_000;
  while (ids.some((id) => !fleet.completed.has(id)) && performance.now() < until) await sleep(100);
  await sleep(1000);
}

/** Until every task completed, or none is PENDING or ACTIVE (the server may end one without a lease: EXPIRED), or `limit`. */
async function settle(call: Call, fleet: Pick<Fleet, 'inFlight' | 'completed'>, serverIds: ReadonlyMap<string, string>, limit: number): Promise<void> {
  const ended = new Set<string>();
  const open = (): string[] => [...serverIds.values()].filter((id) => !fleet.completed.has(id) && !ended.has(id));
  while (open().length > 0 && performance.now() < limit) {
    await sleep(3000);
    if (fleet.inFlight() > 0) continue;
    for (const id of open()) {
      const { status } = await call<{ status: string }>('GET', `/tasks/${id}`).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404) return { status: 'GONE' };
        throw error;
      });
      if (status !== 'PENDING' && status !== 'ACTIVE') ended.add(id);
    }
  }
}

function serverTask(spec: TaskSpec, view: TaskView, agentIds: ReadonlyMap<string, string>): ServerTask {
  const agent = view.worker === undefined ? undefined : agentIds.get(view.worker);
  return {
    id: spec.id,
    priority: spec.priority,
    requires: spec.requires,
    resources: spec.resources,
    ...(view.deadline !== undefined ? { deadline: view.deadline } : {}),
    createdAt: Date.parse(view.createdAt),
    ...(view.startedAt !== undefined ? { startedAt: Date.parse(view.startedAt) } : {}),
    ...(view.finishedAt !== undefined && view.status === 'COMPLETED' ? { finishedAt: Date.parse(view.finishedAt) } : {}),
    ...(agent !== undefined ? { agent } : {}),
    ...(view.finishedAt !== undefined && view.status !== 'COMPLETED' ? { endedUnrun: Date.parse(view.finishedAt) } : {}),
  };
}

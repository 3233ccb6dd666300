/**
 * `--live`: the same kind of fleet against a local stack over HTTP, as real
 * agents would run it. Agents register (`POST /workers`), long-poll
 * `POST /workers/{id}/lease`, "run" each task by sleeping its run time scaled by
 * `timeScale`, and complete it (`POST /tasks/{id}/complete`). A submitter posts
 * tasks at their (scaled) arrival times. Prints the sim's metrics, measured on
 * what happened, plus lease latency: submit → lease for a task that arrived
 * while an agent able to run it was idle.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startLocalStack } from '../../local/runtime.js';
import { percentiles } from '../../shared/domain/stats.js';
import { candidateRank } from '../../shared/domain/scheduling/order.js';
import { eligible, fits, fullCapacity, take } from '../../shared/domain/scheduling/fit.js';
import type { Candidate, FreeCapacity } from '../../shared/domain/scheduling/types.js';
import { at, profile, toCandidate, type Placement } from './engine.js';
import { ApiError, client, type Call } from './live-client.js';
import { measure } from './metrics.js';
import { table } from './report.js';
import { gpuWorkload, type AgentSpec, type TaskSpec } from './workload.js';

export interface LiveOptions {
  readonly seed: number;
  readonly tasks: number;
  /** Real seconds per workload second. */
  readonly timeScale: number;
}

interface Registered {
  readonly spec: AgentSpec;
  readonly serverId: string;
  free: FreeCapacity;
}

export async function runLive(options: LiveOptions): Promise<void> {
  const workload = gpuWorkload(options.seed, options.tasks);
  const scale = options.timeScale;
  console.log(`starting a local stack (fauxqs, DynamoDB Local)…`);
  const stack = await startLocalStack({
    port: 0,
    sqsPort: 0,
    dynamoDbPort: 0,
    region: 'us-east-1',
    prefix: `agents${Date.now()}-`,
    tenant: 'bench',
    schedule: false,
    workers: false,
  });
  const call = client(stack.apiUrl, stack.token);
  const notes: string[] = [];
  try {
    const agents = await register(call, workload.agents, notes);
    const specs = new Map(workload.tasks.map((t) => [t.id, t]));
    const serverIds = new Map<string, string>(); // bench id → task id on the server
    const benchIds = new Map<string, string>();
    const waiting = new Map<string, Candidate>();
    const submittedAt = new Map<string, number>();
    const idleOnSubmit = new Set<string>();
    const placements = new Map<string, Placement>();
    const latencies: number[] = [];
    const refused: string[] = [];
    let inversions = 0;
    const t0 = performance.now();
    const clock = (): number => (performance.now() - t0) / 1000 / scale; // workload seconds

    const submitter = (async () => {
      for (const task of workload.tasks) {
        const delay = task.arrival * scale * 1000 - (performance.now() - t0);
        if (delay > 0) await sleep(delay);
        try {
          const body = {
            type: 'bench.gpu',
            payload: { work: task.work },
            priority: task.priority,
            requires: task.requires,
            resources: task.resources,
            ...(task.deadline !== undefined ? { deadline: new Date(Date.now() + (task.deadline - task.arrival) * scale * 1000).toISOString() } : {}),
          };
          const candidate = toCandidate(task);
          // Registered before the call returns: an idle agent may lease it before the 202 arrives.
          waiting.set(task.id, candidate);
          if (agents.some((a) => eligible(profile(a.spec, a.free), candidate) && fits(candidate.resources, a.free))) idleOnSubmit.add(task.id);
          const created = await call<{ id: string }>('POST', '/tasks', body);
          serverIds.set(task.id, created.id);
          benchIds.set(created.id, task.id);
          submittedAt.set(task.id, performance.now());
        } catch (error) {
          waiting.delete(task.id);
          refused.push(`${task.id}: ${(error as Error).message}`);
        }
      }
    })();

    const expected = (workload.tasks.at(-1)?.arrival ?? 0) * 1.5 + 1200;
    const deadline = t0 + expected * scale * 1000 + 60_000;
    const running = new Set<Promise<void>>();
    let settled = false; // set once nothing left can still run (see the watcher below)
    const done = (): boolean => settled || (placements.size + refused.length >= workload.tasks.length && running.size === 0);

    const agentLoop = async (agent: Registered): Promise<void> => {
      while (!done() && performance.now() < deadline) {
        if (agent.free.slots < 1) {
          await sleep(5);
          continue;
        }
        let leased: { id: string; leaseToken: string }[] = [];
        try {
          ({ tasks: leased } = await call<{ tasks: { id: string; leaseToken: string }[] }>('POST', `/workers/${agent.serverId}/lease`, { max: agent.free.slots, waitSeconds: 2 }));
        } catch (error) {
          if (error instanceof ApiError && error.status === 409) continue;
          throw error;
        }
        const now = performance.now();
        for (const lease of leased) {
          const benchId = benchIds.get(lease.id) ?? [...waiting.keys()].find((id) => serverIds.get(id) === lease.id);
          const task = benchId === undefined ? undefined : specs.get(benchId);
          if (task === undefined || benchId === undefined) continue;
          const candidate = waiting.get(benchId);
          if (candidate !== undefined) {
            const rank = candidateRank(candidate, at(clock()));
            const view = profile(agent.spec, agent.free);
            for (const other of waiting.values()) {
              if (other.id !== benchId && candidateRank(other, at(clock())) < rank && eligible(view, other) && fits(other.resources, agent.free)) {
                inversions++;
                break;
              }
            }
          }
          waiting.delete(benchId);
          agent.free = take(agent.free, task.resources);
          const submitted = submittedAt.get(benchId);
          if (submitted !== undefined && idleOnSubmit.has(benchId)) latencies.push(now - submitted);
          const start = clock();
          const run = (async () => {
            await sleep((task.work / agent.spec.weight) * scale * 1000);
            await call('POST', `/tasks/${lease.id}/complete`, { leaseToken: lease.leaseToken, result: { ok: true } });
            const r = task.resources;
            agent.free = { slots: agent.free.slots + 1, cpu: agent.free.cpu + (r.cpu ?? 0), gpu: agent.free.gpu + (r.gpu ?? 0), memoryMb: agent.free.memoryMb + (r.memoryMb ?? 0) };
            placements.set(benchId, { task: benchId, agent: agent.spec.id, start, end: clock() });
          })();
          running.add(run);
          void run.finally(() => running.delete(run));
        }
      }
    };
    const loops = agents.map((a) => agentLoop(a));
    await submitter;
    // Tasks the server ended without a lease (EXPIRED…) never complete: stop once none is PENDING or ACTIVE.
    while (!done() && performance.now() < deadline) {
      await sleep(3000);
      if (running.size > 0) continue;
      const open = workload.tasks.filter((t) => !placements.has(t.id) && serverIds.has(t.id));
      const statuses = await Promise.all(open.map((t) => call<{ status: string }>('GET', `/tasks/${serverIds.get(t.id)}`)));
      settled = statuses.every(({ status }) => status !== 'PENDING' && status !== 'ACTIVE');
    }
    await Promise.all(loops);
    await Promise.all(running);

    const statuses = new Map<string, number>();
    for (const task of workload.tasks) {
      if (placements.has(task.id)) continue;
      const id = serverIds.get(task.id);
      if (id === undefined) continue;
      const { status } = await call<{ status: string }>('GET', `/tasks/${id}`);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    const letters = await call<{ letters: unknown[] }>('GET', '/dlq?limit=100').catch(() => ({ letters: [] }));
    const m = measure({ ...workload, tasks: workload.tasks.filter((t) => serverIds.has(t.id)) }, placements, inversions);
    const lat = percentiles(latencies);
    const compliance = m.deadlines.feasible === 0 ? 1 : m.deadlines.met / m.deadlines.feasible;
    console.log(`\nlive gpu fleet — ${agents.length} agents over HTTP, ${workload.tasks.length} tasks, seed ${options.seed}, time × ${scale}`);
    console.log(
      table(
        ['metric', 'measured', 'target'],
        [
          ['utilisation while a backlog exists', `${(m.utilisation * 100).toFixed(1)} %`, '≥ 90 %'],
          ['load CV across equal agents (worst class)', m.loadCv.toFixed(3), '< 0.10'],
          ['priority inversions beyond aging', String(m.inversions), '0'],
          ['deadlines met where feasible', `${(compliance * 100).toFixed(1)} % (${m.deadlines.met}/${m.deadlines.feasible})`, '≥ 98 %'],
          ['completed', `${placements.size}/${workload.tasks.length}`, 'all'],
          ['not completed, by status', [...statuses].map(([s, n]) => `${s} ${n}`).join(', ') || 'none', 'none'],
          ['stranded (PENDING at the end)', String(statuses.get('PENDING') ?? 0), '0'],
          ['refused at submit', String(refused.length), '0'],
          ['dead-lettered without failing', String(letters.letters?.length ?? 0), '0'],
          ['lease latency, idle agent, p50', lat === undefined ? 'n/a' : `${lat.p50.toFixed(0)} ms`, '< 50 ms'],
          ['lease latency, idle agent, p99', lat === undefined ? 'n/a' : `${lat.p99.toFixed(0)} ms (${latencies.length} tasks)`, ''],
        ],
      ),
    );
    for (const line of [...notes, ...refused.slice(0, 5)]) console.log(`note: ${line}`);
  } finally {
    await stack.stop();
  }
}

/** Registers the fleet; a server without `weight` yet gets the agents without it (noted). */
async function register(call: Call, specs: readonly AgentSpec[], notes: string[]): Promise<Registered[]> {
  let withWeight = specs.some((s) => s.weight !== 1);
  const out: Registered[] = [];
  for (const spec of specs) {
    const body = { name: spec.id, capabilities: [...spec.capabilities, 'gpu'], capacity: spec.capacity, labels: spec.labels };
    let created: { id: string };
    try {
      created = await call('POST', '/workers', withWeight ? { ...body, weight: spec.weight } : body);
    } catch (error) {
      if (!(withWeight && error instanceof ApiError && error.status === 400)) throw error;
      withWeight = false;
      notes.push('this server does not accept `weight` at registration yet; agents registered without it');
      created = await call('POST', '/workers', body);
    }
    out.push({ spec, serverId: created.id, free: fullCapacity(spec.capacity) });
  }
  return out;
}

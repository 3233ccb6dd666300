/**
 * The `--live` fleet: one SDK `Worker` per agent of the workload, so the bench's
 * agents lease as real ones do (a long poll for as many tasks as they have free
 * slots, again at once when it answers; when every slot is busy, the next poll
 * starts the moment a run ends). A task "runs" by sleeping its run time on this
 * agent, scaled. Each lease call's answer is recorded through the client's
 * `fetch`: which agent, when it was answered, which tasks, in claim order.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from '../../sdk/index.js';
import type { AgentSpec } from './workload.js';

export interface ObservedLease {
  /** The bench's agent id. */
  readonly agent: string;
  /** performance.now() when the answer arrived. */
  readonly answered: number;
  /** Server task ids, in the order the server claimed them. */
  readonly tasks: readonly string[];
}

export interface Fleet {
  /** Server agent id → the bench's. */
  readonly agentIds: ReadonlyMap<string, string>;
  readonly leases: readonly ObservedLease[];
  /** Tasks leased and not yet completed, failed or handed back. */
  inFlight(): number;
  /** Server ids of the tasks completed. */
  readonly completed: ReadonlySet<string>;
  stop(): Promise<void>;
}

export async function startFleet(options: { url: string; token: string; agents: readonly AgentSpec[]; timeScale: number }): Promise<Fleet> {
  const agentIds = new Map<string, string>();
  const leases: ObservedLease[] = [];
  let inFlight = 0;
  const completed = new Set<string>();
  const started = options.agents.map((spec) => {
    let registered!: () => void;
    let failed!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => ((registered = resolve), (failed = reject)));
    const worker = new Worker({
      url: options.url,
      token: options.token,
      name: spec.id,
      capabilities: [...spec.capabilities, 'gpu'],
      concurrency: spec.capacity.slots,
      resources: { cpu: spec.capacity.cpu, gpu: spec.capacity.gpu, memoryMb: spec.capacity.memoryMb },
      weight: spec.weight,
      labels: spec.labels,
      handleSignals: false,
      // Scheduling is measured here, on agents that always long-poll: an idle agent's slower polls (the SDK's default after 60 s) trade latency for cost.
      idleAfterSeconds: Number.POSITIVE_INFINITY,
      fetch: observing(spec.id, leases),
      handlers: {
        'bench.gpu': async (payload) => {
          await sleep(((payload as { work: number }).work / spec.weight) * options.timeScale * 1000);
          return { ok: true };
        },
      },
      log: (event) => {
        if (event.kind === 'registered') {
          agentIds.set(event.workerId, spec.id);
          registered();
        } else if (event.kind === 'leased') inFlight++;
        if (event.kind === 'completed') completed.add(event.task.id);
        if (event.kind === 'completed' || event.kind === 'failed' || event.kind === 'released' || event.kind === 'lease-lost') inFlight--;
      },
    });
    const running = worker.run();
    running.catch((error: unknown) => failed(error as Error));
    return { worker, running, ready };
  });
  await Promise.all(started.map((s) => s.ready));
  return {
    agentIds,
    leases,
    inFlight: () => inFlight,
    completed,
    stop: async () => {
      await Promise.all(started.map(async (s) => { await s.worker.stop(); await s.running; }));
    },
  };
}

/** `fetch` that notes every lease call's answer; everything else passes through untouched. */
function observing(agent: string, leases: ObservedLease[]): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (init?.method === 'POST' && url.endsWith('/lease') && response.ok) {
      const answered = performance.now();
      const body = (await response.clone().json()) as { tasks: { id: string }[] };
      if (body.tasks.length > 0) leases.push({ agent, answered, tasks: body.tasks.map((t) => t.id) });
    }
    return response;
  };
}

import { MemoryAgentStore } from '../../shared/adapters/memory/memory-agent-store.js';
import { MemoryJobStore } from '../../shared/adapters/memory/memory-job-store.js';
import type { JobDeps } from '../../shared/services/deps.js';
import { MemoryDeadLetters } from '../../shared/adapters/memory/memory-dead-letters.js';
import { InProcessReadySignal } from '../../shared/adapters/memory/in-process-ready-signal.js';
import { MemoryTaskQueue } from '../../shared/adapters/memory/memory-task-queue.js';
import { MemoryTaskTable } from '../../shared/adapters/memory/memory-task-table.js';
import { MemoryTokenStore } from '../../shared/adapters/memory/memory-token-store.js';
import type { Task } from '../../shared/domain/task.js';
import type { Services } from '../../shared/services/deps.js';
import { TaskLifecycle } from '../../shared/services/task-lifecycle.js';
import { StartGate } from '../../shared/services/start-gate.js';
import { MemoryConcurrencySlots } from '../../shared/adapters/memory/memory-concurrency-slots.js';
import { MemoryRateLimits } from '../../shared/adapters/memory/memory-rate-limits.js';
import { TOPOLOGY, type Pool } from '../../shared/topology/topology.js';
import { freeAgentSlot } from '../../shared/services/lease-ended.js';

export interface TestServices extends Services {
  readonly records: MemoryTaskTable;
  readonly queries: MemoryTaskTable;
  readonly table: MemoryTaskTable;
  readonly queue: MemoryTaskQueue;
  readonly deadLetters: MemoryDeadLetters;
  readonly agents: MemoryAgentStore;
  readonly signal: InProcessReadySignal;
  readonly warnings: string[];
  readonly slots: MemoryConcurrencySlots;
  readonly rates: MemoryRateLimits;
  readonly gate: StartGate;
  /** A task of `tenant` (default `acme`), as stored. */
  task(id: string, tenant?: string): Promise<Task | undefined>;
  /** Moves the fixed clock forward. */
  advance(seconds: number): void;
}

/** Services over in-memory adapters, a fixed clock and ids task-1, task-2, … */
export function memoryServices(start = new Date('2026-01-01T00:00:00Z'), pools: readonly Pool[] = TOPOLOGY.pools): TestServices {
  let now = start.getTime();
  let next = 0;
  const warnings: string[] = [];
  const table = new MemoryTaskTable();
  // Only Lambda pools have work queues, as on SQS.
  const queue = new MemoryTaskQueue(new Set(pools.filter((p) => p.runsOn === 'lambda').map((p) => p.name)));
  const deadLetters = new MemoryDeadLetters();
  const signal = new InProcessReadySignal();
  const clock = (): Date => new Date(now);
  const warn = (message: string): void => {
    warnings.push(message);
  };
  const slots = new MemoryConcurrencySlots();
  const rates = new MemoryRateLimits();
  const gate = new StartGate({ slots, rates, records: table, random: () => 0, cacheMs: 0 });
  const lifecycle = new TaskLifecycle({ records: table, queue, deadLetters, pools, now: clock, warn, signal, gate });
  const agents = new MemoryAgentStore();
  lifecycle.setEffects({
    leaseEnded: freeAgentSlot(agents, signal, clock),
  });
  return {
    lifecycle,
    records: table,
    queries: table,
    table,
    queue,
    deadLetters,
    agents,
    signal,
    tokens: new MemoryTokenStore(),
    pools,
    newId: () => `task-${++next}`,
    now: clock,
    warn,
    warnings,
    slots,
    rates,
    gate,
    task: (id, tenant = 'acme') => table.get(tenant, id),
    advance: (seconds) => {
      now += seconds * 1000;
    },
  };
}

/** Job use cases over memory services: a memory job store counting what the task table counts. */
export function memoryJobDeps(services: TestServices = memoryServices()): JobDeps & { readonly services: TestServices; readonly store: MemoryJobStore } {
  const store = new MemoryJobStore(services.table.counts);
  return { ...services, jobs: store, queue: services.queue, services, store };
}

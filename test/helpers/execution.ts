import { MemoryCircuitStore } from '../../shared/adapters/memory/memory-circuit-store.js';
import type { MemoryDeadLetters } from '../../shared/adapters/memory/memory-dead-letters.js';
import type { Task } from '../../shared/domain/task.js';
import type { HandlerRegistry } from '../../shared/handlers.js';
import type { Delivery } from '../../shared/services/claim-delivery.js';
import type { ExecutionDeps } from '../../shared/services/execute-task.js';
import type { TestServices } from './memory-services.js';

export interface TestExecution extends ExecutionDeps {
  readonly circuits: MemoryCircuitStore;
  readonly deadLetters: MemoryDeadLetters;
}

/** A worker over the same memory records, lifecycle and clock as `services`. */
export function memoryExecution(services: TestServices, handlers: HandlerRegistry, overrides: Partial<Omit<ExecutionDeps, 'circuits'>> = {}): TestExecution {
  return {
    lifecycle: services.lifecycle,
    records: services.records,
    circuits: new MemoryCircuitStore(),
    deadLetters: services.deadLetters,
    handlers,
    pools: services.pools.map((p) => ({ ...p, circuit: { failureThreshold: 3, cooldownSeconds: 10 } })),
    workerId: 'test-worker',
    now: services.now,
    random: () => 0.5,
    remainingMs: () => 60_000,
    ...overrides,
  };
}

/** The message a worker receives for `task`. */
export const deliveryOf = (task: Pick<Task, 'id' | 'tenant'>): Delivery => ({ taskId: task.id, tenant: task.tenant });

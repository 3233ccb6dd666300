import { MemoryCircuitStore } from '../../shared/adapters/memory/memory-circuit-store.js';
import { MemoryDeadLetters } from '../../shared/adapters/memory/memory-dead-letters.js';
import type { HandlerRegistry } from '../../shared/handlers.js';
import type { ExecutionDeps } from '../../shared/services/execute-task.js';
import type { TestServices } from './memory-services.js';

export interface TestExecution extends ExecutionDeps {
  readonly circuits: MemoryCircuitStore;
  readonly deadLetters: MemoryDeadLetters;
}

/** A worker over the same memory store and clock as `services`. */
export function memoryExecution(services: TestServices, handlers: HandlerRegistry, overrides: Partial<ExecutionDeps> = {}): TestExecution {
  return {
    store: services.store,
    circuits: new MemoryCircuitStore(),
    deadLetters: new MemoryDeadLetters(),
    handlers,
    pools: services.pools.map((p) => ({ ...p, circuit: { failureThreshold: 3, cooldownSeconds: 10 } })),
    workerId: 'test-worker',
    now: services.now,
    random: () => 0.5,
    remainingMs: () => 60_000,
    ...overrides,
  } as TestExecution;
}

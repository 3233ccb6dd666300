import { MemoryTaskQueue } from '../../shared/adapters/memory/memory-task-queue.js';
import { MemoryTaskStore } from '../../shared/adapters/memory/memory-task-store.js';
import { MemoryTokenStore } from '../../shared/adapters/memory/memory-token-store.js';
import type { Services } from '../../shared/services/deps.js';
import { TOPOLOGY } from '../../shared/topology/topology.js';

export interface TestServices extends Services {
  readonly store: MemoryTaskStore;
  readonly queue: MemoryTaskQueue;
  readonly warnings: string[];
  /** Moves the fixed clock forward. */
  advance(seconds: number): void;
}

/** Services over in-memory adapters, a fixed clock and ids task-1, task-2, … */
export function memoryServices(start = new Date('2026-01-01T00:00:00Z')): TestServices {
  let now = start.getTime();
  let next = 0;
  const warnings: string[] = [];
  return {
    store: new MemoryTaskStore(),
    queue: new MemoryTaskQueue(),
    tokens: new MemoryTokenStore(),
    pools: TOPOLOGY.pools,
    newId: () => `task-${++next}`,
    now: () => new Date(now),
    warn: (message) => warnings.push(message),
    warnings,
    advance: (seconds) => {
      now += seconds * 1000;
    },
  };
}

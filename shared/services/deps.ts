import type { TaskQueue } from '../ports/task-queue.js';
import type { TaskStore } from '../ports/task-store.js';
import type { TokenStore } from '../ports/token-store.js';
import type { Pool } from '../topology/topology.js';

/** What the use cases run on: ports, the pools, and the id source and clock. */
export interface Services {
  readonly store: TaskStore;
  readonly queue: TaskQueue;
  readonly tokens: TokenStore;
  readonly pools: readonly Pool[];
  readonly newId: () => string;
  readonly now: () => Date;
  /** Where a use case reports what it recovered from (the edge passes its logger). */
  readonly warn: (message: string, details: Record<string, unknown>) => void;
}

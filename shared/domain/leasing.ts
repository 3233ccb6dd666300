import { fullCapacity, take } from './scheduling/fit.js';
import type { FreeCapacity } from './scheduling/types.js';
import type { Resources } from './task.js';

/** What an agent has: slots (tasks at once) and, optionally, resources. */
export interface AgentCapacity {
  /** Tasks it runs at once. */
  readonly slots: number;
  readonly cpu?: number;
  readonly gpu?: number;
  readonly memoryMb?: number;
}

/** A lease an agent holds: the task, what it takes, and when the lease lapses. */
export interface HeldLease {
  readonly taskId: string;
  readonly resources?: Resources;
  readonly expiresAt: string;
}

export type { FreeCapacity };

/** What is left of `capacity` once the live leases (not lapsed at `now`) are taken out. */
export function freeCapacity(capacity: AgentCapacity, leases: readonly HeldLease[], now: Date): FreeCapacity {
  const live = leases.filter((lease) => Date.parse(lease.expiresAt) > now.getTime());
  return live.reduce<FreeCapacity>((free, lease) => take(free, lease.resources), fullCapacity(capacity));
}

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

/**
 * A lease an agent holds, as its record keeps it: the task and what it takes.
 * Written by the lease call before it claims the task (so a crash between the
 * two leaves an entry the sweep clears, never a claimed task nothing watches),
 * and dropped when the task's attempt ends. `checkAt`: when the sweep next reads
 * the task to see whether the attempt is still alive (see `leaseCheck`); the
 * task's record, not this, says when its lease lapses.
 */
export interface HeldLease {
  readonly taskId: string;
  readonly resources?: Resources;
  readonly checkAt: string;
}

export type { FreeCapacity };

/**
 * What is left of `capacity` once the held leases are taken out. Every entry
 * counts until it is dropped (its attempt ended, or the sweep found it gone): an
 * entry past its `checkAt` may be a long task its agent still runs.
 */
export function freeCapacity(capacity: AgentCapacity, leases: readonly HeldLease[]): FreeCapacity {
  return leases.reduce<FreeCapacity>((free, lease) => take(free, lease.resources), fullCapacity(capacity));
}

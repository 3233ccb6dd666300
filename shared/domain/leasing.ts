import { priorityRank, type Priority } from './priority.js';
import type { Resources } from './task.js';

/**
 * The pure part of leasing tasks to external agents: which pools an agent may
 * lease from, whether a task fits what it has free, and in which order waiting
 * tasks are served (strict priority, with aging so nothing starves).
 */

export interface AgentCapacity {
  /** Tasks it runs at once. */
  readonly slots: number;
  readonly cpu?: number;
  readonly gpu?: number;
  readonly memoryMb?: number;
}

export interface HeldLease {
  readonly taskId: string;
  readonly resources?: Resources;
  readonly expiresAt: string;
}

export type FreeCapacity = Required<AgentCapacity>;

/** What is left of `capacity` once the live leases (not lapsed at `now`) are taken out. */
export function freeCapacity(capacity: AgentCapacity, leases: readonly HeldLease[], now: Date): FreeCapacity {
  const live = leases.filter((lease) => Date.parse(lease.expiresAt) > now.getTime());
  return live.reduce<FreeCapacity>((free, lease) => take(free, lease.resources), {
    slots: capacity.slots,
    cpu: capacity.cpu ?? 0,
    gpu: capacity.gpu ?? 0,
    memoryMb: capacity.memoryMb ?? 0,
  });
}

/** Does a task needing `resources` fit? One slot, and each stated resource, must be free. */
export function fits(resources: Resources | undefined, free: FreeCapacity): boolean {
  return (
    free.slots >= 1 &&
    (resources?.cpu ?? 0) <= free.cpu &&
    (resources?.gpu ?? 0) <= free.gpu &&
    (resources?.memoryMb ?? 0) <= free.memoryMb
  );
}

/** `free` after one more task needing `resources`. */
export function take(free: FreeCapacity, resources: Resources | undefined): FreeCapacity {
  return {
    slots: free.slots - 1,
    cpu: free.cpu - (resources?.cpu ?? 0),
    gpu: free.gpu - (resources?.gpu ?? 0),
    memoryMb: free.memoryMb - (resources?.memoryMb ?? 0),
  };
}

/** An agent may run a task when it has every capability the task requires. */
export function canRun(agentCapabilities: readonly string[], requires: readonly string[]): boolean {
  const has = new Set(agentCapabilities);
  return requires.every((capability) => has.has(capability));
}

/** Pools an agent polls: those offering at least one of its capabilities. */
export function leasablePools<P extends { readonly capabilities: readonly string[] }>(pools: readonly P[], agentCapabilities: readonly string[]): P[] {
  const has = new Set(agentCapabilities);
  return pools.filter((pool) => pool.capabilities.some((capability) => has.has(capability)));
}

/** How long a task may wait at each priority before it is served as one level higher. */
export const DEFAULT_MAX_WAIT_SECONDS: Readonly<Record<Priority, number>> = {
  critical: Infinity,
  high: 60,
  normal: 120,
  low: 300,
};

/** 0 = served first. A task past its priority's max wait moves up one level (never more). */
export function effectiveRank(priority: Priority, waitedSeconds: number, maxWait: Readonly<Record<Priority, number>> = DEFAULT_MAX_WAIT_SECONDS): number {
  const rank = priorityRank(priority);
  return waitedSeconds > maxWait[priority] ? Math.max(0, rank - 1) : rank;
}

export interface Waiting {
  readonly priority: Priority;
  /** When it was enqueued (ISO). */
  readonly since: string;
}

/**
 * The order to serve waiting tasks in: by effective rank, then oldest first.
 * Stable for equal keys, so callers' tie order holds.
 */
export function leaseOrder<W extends Waiting>(waiting: readonly W[], now: Date, maxWait = DEFAULT_MAX_WAIT_SECONDS): W[] {
  const key = (w: W): [number, number] => {
    const since = Date.parse(w.since);
    return [effectiveRank(w.priority, (now.getTime() - since) / 1000, maxWait), since];
  };
  return [...waiting].sort((a, b) => {
    const [ra, sa] = key(a);
    const [rb, sb] = key(b);
    return ra - rb || sa - sb;
  });
}


import type { Priority } from '../priority.js';
import type { Resources } from '../task.js';

/**
 * The scheduling seam for agent pools: what the scheduler sees (candidates in the
 * ready set, the asking agent, the online fleet) and what a policy answers.
 * Pure data; the lease service reads it from the store and passes `now` in.
 */

/** A PENDING task in the ready set. */
export interface Candidate {
  readonly id: string;
  readonly tenant: string;
  readonly pool: string;
  readonly priority: Priority;
  /** ISO: when it (re)entered the ready set (submit, or the retry that put it back). */
  readonly enqueuedAt: string;
  /** ISO. */
  readonly deadline?: string;
  /** Capabilities the agent must have, all of them (hard). */
  readonly requires: readonly string[];
  /** Soft label weights: `{ "region=eu": 5 }` scores agents whose `labels.region` is `eu`; a bare `gpu-a100` scores an agent with that capability. */
  readonly prefers?: Readonly<Record<string, number>>;
  /** Sticky: tasks with one key go to one online agent (rendezvous hashing). */
  readonly affinityKey?: string;
  /** Pinned: only this agent id may run it. */
  readonly agent?: string;
  readonly avoidAgents?: readonly string[];
  readonly resources?: Resources;
  /** At most `FleetView.concurrencyLimits[key]` tasks with this key run at once. */
  readonly concurrencyKey?: string;
}

/** What an agent has free now; a stated capacity of 0 (or none) means it offers none of it. */
export interface FreeCapacity {
  readonly slots: number;
  readonly cpu: number;
  readonly gpu: number;
  readonly memoryMb: number;
}

export interface AgentProfile {
  readonly id: string;
  readonly capabilities: readonly string[];
  readonly capacity: { readonly slots: number; readonly cpu?: number; readonly gpu?: number; readonly memoryMb?: number };
  readonly free: FreeCapacity;
  /** Relative speed: 1 by default; an agent twice as fast has 2 and should get about twice the work. */
  readonly weight: number;
  readonly labels: Readonly<Record<string, string>>;
}

/** The asking agent's tenant and pool: the online agents (the asker among them). */
export interface FleetView {
  readonly online: readonly AgentProfile[];
  /** Tasks running now per concurrency key. */
  readonly runningByConcurrencyKey?: Readonly<Record<string, number>>;
  /** The most tasks that may run at once per concurrency key; a key not listed is unlimited. */
  readonly concurrencyLimits?: Readonly<Record<string, number>>;
  /** Tasks running now per tenant, for round-robin across tenants sharing a pool. */
  readonly runningByTenant?: Readonly<Record<string, number>>;
}

export interface SchedulingPolicy {
  readonly name: string;
  /** Order of the ready set: strict priority with aging, earliest deadline first within a priority, then FIFO. */
  order(candidates: readonly Candidate[], now: Date): Candidate[];
  /**
   * For `agent` asking for up to `max` tasks: which candidates, in claim order.
   * Picks only what fits `agent.free` cumulatively and what the agent can run.
   */
  choose(agent: AgentProfile, candidates: readonly Candidate[], fleet: FleetView, now: Date, max: number): Candidate[];
}

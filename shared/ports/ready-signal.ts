import type { ReadyNote, Waiter } from '../domain/scheduling/wake.js';

/** What a waiting lease call was woken for: a task of `pool` it could take (another may still win it). */
export interface Woken {
  readonly pool: string;
  readonly task: ReadyNote;
}

/**
 * Wakes lease calls waiting for work: when a task becomes ready, and when an
 * agent's own capacity grows (one of its leases ended, so what fits it changed).
 * In one process (the local runtime, a warm Lambda container) the waiter wakes at
 * once; across processes a wait simply ends at its timeout and the caller reads
 * again, so this is a latency shortcut, never a correctness need.
 */
export interface ReadySignal {
  /**
   * `tasks` became ready in `tenant` × `pool`: wake at most one waiter per task,
   * only waiters that could take it (`chooseWakes`), not all of the pool's.
   */
  notify(tenant: string, pool: string, tasks: readonly ReadyNote[]): void;
  /**
   * Waiter `by` was woken for `tasks` and did not take them, yet they are still
   * ready: wake another that could (not one that passed them over already).
   * Nothing became ready, so listeners of `notify` are not told.
   */
  passOn(tenant: string, pool: string, tasks: readonly ReadyNote[], by: string): void;
  /** Agent `agentId` has more room: its own waiting lease call (if any) looks again. */
  notifyAgent(tenant: string, agentId: string): void;
  /**
   * Resolves with the task it was woken for on a notify or passOn for `tenant`
   * and one of `pools` that chose `waiter`; with undefined on a notifyAgent for
   * `waiter.id`, or at `ms`.
   */
  wait(tenant: string, pools: readonly string[], ms: number, waiter: Waiter): Promise<Woken | undefined>;
}

/**
 * Wakes lease calls waiting for work: when a task becomes ready, and when an
 * agent's own capacity grows (one of its leases ended, so what fits it changed).
 * In one process (the local runtime, a warm Lambda container) the waiter wakes at
 * once; across processes a wait simply ends at its timeout and the caller reads
 * again, so this is a latency shortcut, never a correctness need.
 */
export interface ReadySignal {
  notify(tenant: string, pool: string): void;
  /** Agent `agentId` has more room: its own waiting lease call (if any) looks again. */
  notifyAgent(tenant: string, agentId: string): void;
  /** Resolves on a notify for `tenant` and one of `pools`, on a notifyAgent for `agentId`, or at `ms`. */
  wait(tenant: string, pools: readonly string[], ms: number, agentId?: string): Promise<void>;
}

/**
 * Wakes lease calls waiting for work when a task becomes ready. In one process
 * (the local runtime, a warm Lambda container) a submission wakes the waiters at
 * once; across processes a wait simply ends at its timeout and the caller reads
 * the ready set again, so this is a latency shortcut, never a correctness need.
 */
export interface ReadySignal {
  notify(tenant: string, pool: string): void;
  /** Resolves on a notify for `tenant` and one of `pools`, at `ms`, or when `abort` fires. */
  wait(tenant: string, pools: readonly string[], ms: number): Promise<void>;
}

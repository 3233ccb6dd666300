import type { ReadySignal } from '../../ports/ready-signal.js';

/** A ReadySignal within one process: waiters keyed by `tenant#pool`. */
export class InProcessReadySignal implements ReadySignal {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** `onNotify`: also told of every new ready task (e.g. to drop a cached view of the ready set). */
  constructor(private readonly onNotify?: (tenant: string, pool: string) => void) {}

  notify(tenant: string, pool: string): void {
    this.onNotify?.(tenant, pool);
    const waiting = this.waiters.get(`${tenant}#${pool}`);
    if (waiting === undefined) return;
    this.waiters.delete(`${tenant}#${pool}`);
    for (const wake of waiting) wake();
  }

  wait(tenant: string, pools: readonly string[], ms: number): Promise<void> {
    return new Promise((resolve) => {
      const keys = pools.map((pool) => `${tenant}#${pool}`);
      const done = (): void => {
        clearTimeout(timer);
        for (const key of keys) this.waiters.get(key)?.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      for (const key of keys) {
        const set = this.waiters.get(key) ?? new Set();
        set.add(done);
        this.waiters.set(key, set);
      }
    });
  }
}

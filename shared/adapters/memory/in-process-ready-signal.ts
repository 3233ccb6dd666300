import type { ReadySignal } from '../../ports/ready-signal.js';

const poolKey = (tenant: string, pool: string): string => `pool ${tenant}#${pool}`;
const agentKey = (tenant: string, agentId: string): string => `agent ${tenant}#${agentId}`;

/** A ReadySignal within one process: waiters keyed by tenant × pool and by tenant × agent. */
export class InProcessReadySignal implements ReadySignal {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** `onNotify`: also told of every new ready task (e.g. to drop a cached view of the ready set). */
  constructor(private readonly onNotify?: (tenant: string, pool: string) => void) {}

  notify(tenant: string, pool: string): void {
    this.onNotify?.(tenant, pool);
    this.wake(poolKey(tenant, pool));
  }

  notifyAgent(tenant: string, agentId: string): void {
    this.wake(agentKey(tenant, agentId));
  }

  wait(tenant: string, pools: readonly string[], ms: number, agentId?: string): Promise<void> {
    return new Promise((resolve) => {
      const keys = pools.map((pool) => poolKey(tenant, pool));
      if (agentId !== undefined) keys.push(agentKey(tenant, agentId));
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

  private wake(key: string): void {
    const waiting = this.waiters.get(key);
    if (waiting === undefined) return;
    this.waiters.delete(key);
    for (const wake of waiting) wake();
  }
}

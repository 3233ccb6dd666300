import { chooseWakes, type ReadyNote, type Waiter } from '../../domain/scheduling/wake.js';
import type { ReadySignal, Woken } from '../../ports/ready-signal.js';

const poolKey = (tenant: string, pool: string): string => `pool ${tenant}#${pool}`;
const agentKey = (tenant: string, agentId: string): string => `agent ${tenant}#${agentId}`;

/** One waiting call: what it can take, and how to end its wait. */
interface Entry extends Waiter {
  readonly wake: (woken: Woken | undefined) => void;
}

/**
 * A ReadySignal within one process: waiters keyed by tenant × pool and by tenant ×
 * agent. Which waiters a new task wakes is the pure `chooseWakes`; this only keeps
 * the sets, in the order the calls began to wait (longest waiting first).
 */
export class InProcessReadySignal implements ReadySignal {
  private readonly waiters = new Map<string, Set<Entry>>();

  /** `onNotify`: also told of every new ready task (e.g. to drop a cached view of the ready set). */
  constructor(private readonly onNotify?: (tenant: string, pool: string) => void) {}

  notify(tenant: string, pool: string, tasks: readonly ReadyNote[]): void {
    this.onNotify?.(tenant, pool);
    this.wakeFor(tenant, pool, tasks);
  }

  passOn(tenant: string, pool: string, tasks: readonly ReadyNote[], by: string): void {
    this.wakeFor(tenant, pool, tasks.map((task) => ({ ...task, passedOver: [...(task.passedOver ?? []), by] })));
  }

  notifyAgent(tenant: string, agentId: string): void {
    for (const entry of [...(this.waiters.get(agentKey(tenant, agentId)) ?? [])]) entry.wake(undefined);
  }

  wait(tenant: string, pools: readonly string[], ms: number, waiter: Waiter): Promise<Woken | undefined> {
    return new Promise((resolve) => {
      const keys = [...pools.map((pool) => poolKey(tenant, pool)), agentKey(tenant, waiter.id)];
      const entry: Entry = {
        id: waiter.id,
        capabilities: waiter.capabilities,
        capacity: waiter.capacity,
        free: waiter.free,
        wake: (woken) => {
          clearTimeout(timer);
          for (const key of keys) this.leave(key, entry);
          resolve(woken);
        },
      };
      const timer = setTimeout(() => entry.wake(undefined), Math.max(0, ms));
      for (const key of keys) {
        const set = this.waiters.get(key) ?? new Set();
        set.add(entry);
        this.waiters.set(key, set);
      }
    });
  }

  private wakeFor(tenant: string, pool: string, tasks: readonly ReadyNote[]): void {
    const waiting = this.waiters.get(poolKey(tenant, pool));
    if (waiting === undefined || tasks.length === 0) return;
    for (const [entry, task] of chooseWakes(tasks, [...waiting])) entry.wake({ pool, task });
  }

  private leave(key: string, entry: Entry): void {
    const set = this.waiters.get(key);
    set?.delete(entry);
    if (set?.size === 0) this.waiters.delete(key);
  }
}

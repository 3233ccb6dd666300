import { hasRoomFor, type SlotHolder } from '../../domain/concurrency-slots.js';
import type { AcquireOutcome, ConcurrencyKeyState, ConcurrencySlots } from '../../ports/concurrency-slots.js';

/** The same contract as the DynamoDB adapter, in a Map. */
export class MemoryConcurrencySlots implements ConcurrencySlots {
  private readonly keys = new Map<string, SlotHolder[]>();
  private readonly limits = new Map<string, number>();

  async acquire(tenant: string, key: string, limit: number, holder: SlotHolder): Promise<AcquireOutcome> {
    const holders = this.keys.get(`${tenant}#${key}`) ?? [];
    if (!hasRoomFor(holders, limit, holder.taskId)) return { ok: false, holders: [...holders] };
    this.keys.set(`${tenant}#${key}`, [...holders.filter((h) => h.taskId !== holder.taskId), holder]);
    this.limits.set(`${tenant}#${key}`, limit);
    return { ok: true };
  }

  async release(tenant: string, key: string, taskId: string, attempt: number): Promise<void> {
    const holders = this.keys.get(`${tenant}#${key}`) ?? [];
    this.keys.set(`${tenant}#${key}`, holders.filter((h) => h.taskId !== taskId || h.attempt !== attempt));
  }

  async holders(tenant: string, keys: readonly string[]): Promise<ReadonlyMap<string, readonly SlotHolder[]>> {
    return new Map(keys.map((key) => [key, [...(this.keys.get(`${tenant}#${key}`) ?? [])]]));
  }

  async list(tenant: string, max: number): Promise<readonly ConcurrencyKeyState[]> {
    const prefix = `${tenant}#`;
    return [...this.keys.entries()]
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, holders]) => {
        const limit = this.limits.get(name);
        return { key: name.slice(prefix.length), holders: [...holders], ...(limit !== undefined ? { limit } : {}) };
      })
      .sort((a, b) => a.key.localeCompare(b.key))
      .slice(0, max);
  }
}

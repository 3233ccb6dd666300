import { hasRoomFor, type SlotHolder } from '../../domain/concurrency-slots.js';
import type { AcquireOutcome, ConcurrencySlots } from '../../ports/concurrency-slots.js';

/** The same contract as the DynamoDB adapter, in a Map. */
export class MemoryConcurrencySlots implements ConcurrencySlots {
  private readonly keys = new Map<string, SlotHolder[]>();

  async acquire(tenant: string, key: string, limit: number, holder: SlotHolder): Promise<AcquireOutcome> {
    const holders = this.keys.get(`${tenant}#${key}`) ?? [];
    if (!hasRoomFor(holders, limit, holder.taskId)) return { ok: false, holders: [...holders] };
    this.keys.set(`${tenant}#${key}`, [...holders.filter((h) => h.taskId !== holder.taskId), holder]);
    return { ok: true };
  }

  async release(tenant: string, key: string, taskId: string, attempt: number): Promise<void> {
    const holders = this.keys.get(`${tenant}#${key}`) ?? [];
    this.keys.set(`${tenant}#${key}`, holders.filter((h) => h.taskId !== taskId || h.attempt !== attempt));
  }

  async holders(tenant: string, keys: readonly string[]): Promise<ReadonlyMap<string, readonly SlotHolder[]>> {
    return new Map(keys.map((key) => [key, [...(this.keys.get(`${tenant}#${key}`) ?? [])]]));
  }
}

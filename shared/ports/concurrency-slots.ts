import type { SlotHolder } from '../domain/concurrency-slots.js';

export type AcquireOutcome = { readonly ok: true } | { readonly ok: false; readonly holders: readonly SlotHolder[] };

/** The running set of each tenant × concurrency key (one item each). */
export interface ConcurrencySlots {
  /**
   * Adds `holder` to the key's holders when fewer than `limit` hold it, or when its
   * task already holds it (a repeat, or a later attempt replacing a left-over one).
   * Otherwise answers the holders that keep it out.
   */
  acquire(tenant: string, key: string, limit: number, holder: SlotHolder): Promise<AcquireOutcome>;
  /** Removes the task's holder if it is still the one of `attempt`. Safe to repeat. */
  release(tenant: string, key: string, taskId: string, attempt: number): Promise<void>;
  /** The holders of each key asked for (a key nobody holds: empty). */
  holders(tenant: string, keys: readonly string[]): Promise<ReadonlyMap<string, readonly SlotHolder[]>>;
}

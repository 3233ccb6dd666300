import type { SlotHolder } from '../domain/concurrency-slots.js';

/** A key as listed: who holds it now and the limit its latest acquirer asked for. */
export interface ConcurrencyKeyState {
  readonly key: string;
  readonly holders: readonly SlotHolder[];
  /** The `concurrencyLimit` of the last task that took a slot (each task carries its own). */
  readonly limit?: number;
}

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
  /** Every key the tenant has used (up to `max`), by key. */
  list(tenant: string, max: number): Promise<readonly ConcurrencyKeyState[]>;
}

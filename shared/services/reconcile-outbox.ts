import type { Services } from './deps.js';
import { enqueueAndConfirm } from './enqueue.js';

export interface ReconcileOptions {
  /** Only entries at least this old: younger ones may still be in their submit call. */
  readonly minAgeSeconds: number;
  readonly limit: number;
}

export const DEFAULT_RECONCILE: ReconcileOptions = { minAgeSeconds: 30, limit: 500 };

/**
 * Sends tasks that were written but never confirmed on a queue (the submit's
 * enqueue failed or its process died). Runs on a schedule.
 */
export async function reconcileOutbox(
  services: Pick<Services, 'store' | 'queue' | 'now'>,
  options: ReconcileOptions = DEFAULT_RECONCILE,
): Promise<{ found: number; sent: number; failed: number }> {
  const cutoff = new Date(services.now().getTime() - options.minAgeSeconds * 1000);
  const entries = await services.store.listOutbox(cutoff, options.limit);
  const { sent, failed } = await enqueueAndConfirm(services, entries);
  return { found: entries.length, sent, failed };
}

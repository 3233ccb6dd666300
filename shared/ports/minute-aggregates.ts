import type { MinuteAggregate, MinuteDeltas } from '../domain/minute-aggregates.js';
import type { Priority } from '../domain/priority.js';

/** A tenant's minutes since a given one, and its PENDING tasks per priority now. */
export interface MinuteSeries {
  readonly minutes: readonly MinuteAggregate[];
  readonly waiting: Readonly<Record<Priority, number>>;
}

/**
 * Each tenant's per-minute sums (completed, failed, retried, queue-time sketches,
 * PENDING depth changes), kept by the table's stream consumer with a TTL, so /stats
 * and the dashboard's charts read an hour or a day with one query, whatever the
 * tenant's task count; and the PENDING depth now, a running sum kept beside the
 * counts by status. Counted batches write them exactly once with the batch's counts
 * (StreamBatches.count); `add` is the path without batch marks.
 */
export interface MinuteAggregates {
  add(deltas: MinuteDeltas): Promise<void>;
  /** The minutes from `since` (to the minute) on, and the depth now. */
  read(tenant: string, since: Date): Promise<MinuteSeries>;
}

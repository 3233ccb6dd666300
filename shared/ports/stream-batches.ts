import type { JobCountDeltas } from '../domain/job.js';
import type { MinuteDeltas } from '../domain/minute-aggregates.js';
import type { TaskStatus } from '../domain/task-status.js';

/** Each tenant's count changes by status, from one batch. */
export type StatusDeltas = ReadonlyMap<string, Partial<Record<TaskStatus, number>>>;

/** The second half of a batch a bisection would retry: marked with the batch's openedAt. */
export interface BatchHalf {
  readonly batchId: string;
  readonly openedAt: Date;
}

/** A stream batch as the consumer left it: when it was first seen, and through which record it was counted. */
export interface StreamBatchState {
  /** The first delivery's clock: every delivery writes the batch's event-log items under the same keys. */
  readonly openedAt: Date;
  /** The sequence number of the last record whose events went out and whose counts were applied. */
  readonly countedThrough?: string;
}

/**
 * What makes the stream consumer's work safe to repeat (Lambda's stream mapping, and
 * the local poller after a kill -9, deliver a batch at least once): a batch is known
 * by its first record's eventID, and its counts are applied in the same transaction
 * that marks it counted, so a batch delivered again counts nothing twice.
 */
export interface StreamBatches {
  /** The batch's state, recording it (openedAt = now) on its first delivery. */
  open(batchId: string, now: Date): Promise<StreamBatchState>;
  /**
   * Adds each tenant's count deltas and moves the batch's mark from `previous` to
   * `through`, all or nothing. false: another delivery moved the mark first (nothing applied).
   * `secondHalf`: the batch's mark is written under this id too (the first record of
   * the second half a bisection would retry, see `secondHalfOf`), with the batch's
   * openedAt, so that half comes back known instead of counted again.
   * `minutes`: the batch's per-minute aggregates (MinuteAggregates), added exactly once with the
   * counts: the PENDING depth with the counters, the minute items in the transaction or, to save
   * its doubled write units, after it under a token the mark keeps, which the batch's next
   * delivery (`open`) writes again if this call stopped before them (a failure here fails the call).
   * `jobs`: the job children's outcomes the batch holds, added to their jobs' counts in the transaction.
   */
  count(batchId: string, deltas: StatusDeltas, previous: string | undefined, through: string, secondHalf?: BatchHalf, minutes?: MinuteDeltas, jobs?: JobCountDeltas): Promise<boolean>;
}

/** Stream sequence numbers are decimal strings of up to 40 digits: compared as integers. */
export const sequenceAtOrBefore = (sequenceNumber: string, mark: string): boolean => BigInt(sequenceNumber) <= BigInt(mark);

/**
 * A batch this large can run long enough on a loaded machine to time out after its
 * counts; a smaller one finishes in well under a second, and marking its second half
 * would add a transactional write to every small batch (thin traffic, agent leases).
 */
export const HALF_MARK_MIN_RECORDS = 50;

/**
 * Where a bisection splits a batch of `size` records: the second half starts at this
 * index (the stream mapping's split, as local/stream-batch-runner.ts runs it). A
 * delivery that timed out after its counts were written is retried in two halves:
 * the first comes back under the batch's own id, the second under this record's.
 * Undefined for a batch too small to be worth marking (HALF_MARK_MIN_RECORDS).
 */
export const secondHalfOf = (size: number): number | undefined => (size >= HALF_MARK_MIN_RECORDS ? Math.ceil(size / 2) : undefined);

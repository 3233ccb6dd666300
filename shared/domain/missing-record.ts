/**
 * What a worker does with a message whose task record it cannot find. A
 * Lambda-pool task is sent first and written second (task-lifecycle.ts
 * `createAll`), so a fast worker often receives the message a few milliseconds
 * before the record exists. Giving such a message back for a fixed 5 s cost
 * every task that lost the race 5 s of queue time (issue #30); re-reading it a
 * few times within a few hundred milliseconds finds nearly all of them in the
 * same invocation. A message whose record never appears (a crash between the
 * send and the write) comes back at growing intervals, then is dropped.
 */

/**
 * Older than this, a message without a record is an orphan (its submission
 * failed after the send) and is dropped: far longer than any write takes.
 */
export const ORPHAN_GRACE_SECONDS = 120;

/** Waits before each re-read of a missing record: ~300 ms in all. */
export const RECORD_REREAD_MS: readonly number[] = [20, 40, 80, 160];

/**
 * Only a message this young is re-read in the invocation: an older one has had
 * its re-reads already (or is an orphan), so it waits out a visibility instead
 * of holding the invocation.
 */
export const REREAD_WHILE_YOUNGER_THAN_SECONDS = 5;

/** The longest a message without a record is kept invisible between reads. */
export const ORPHAN_RETRY_CAP_SECONDS = 30;

export type MissingRecordStep =
  /** Read the record again after `afterMs`, in this invocation. */
  | { readonly kind: 'reread'; readonly afterMs: number }
  /** Give the message back, visible again after `delaySeconds`. */
  | { readonly kind: 'retry'; readonly delaySeconds: number }
  /** An orphan: delete the message. */
  | { readonly kind: 'drop' };

/**
 * The next step for a message `ageSeconds` old (since its send; Infinity when
 * unknown) whose record was still missing after `rereads` re-reads in this
 * invocation. The visibility grows with the age (about half of it, 1 s to
 * ORPHAN_RETRY_CAP_SECONDS), so a record that is merely late is read again
 * within a second, and an orphan is received some 13 times in its grace, not 120.
 */
export function missingRecordStep(ageSeconds: number, rereads: number): MissingRecordStep {
  if (!(ageSeconds < ORPHAN_GRACE_SECONDS)) return { kind: 'drop' };
  const wait = RECORD_REREAD_MS[rereads];
  if (wait !== undefined && ageSeconds < REREAD_WHILE_YOUNGER_THAN_SECONDS) return { kind: 'reread', afterMs: wait };
  return { kind: 'retry', delaySeconds: orphanRetrySeconds(ageSeconds) };
}

/** Whole seconds (SQS visibility), at least 1. */
export function orphanRetrySeconds(ageSeconds: number): number {
  return Math.min(ORPHAN_RETRY_CAP_SECONDS, Math.max(1, Math.ceil(Math.max(0, ageSeconds) / 2)));
}

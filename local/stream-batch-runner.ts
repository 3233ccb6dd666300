/**
 * How Lambda's DynamoDB-stream event-source mapping treats one batch, as the stack
 * configures it (infra/constructs/events-pipeline.ts: bisect on error, partial batch
 * responses, bounded retries, a maximum record age, an on-failure destination), with
 * the I/O injected so it runs without emulators. Every record of the batch ends either
 * handled or set aside: the shard always moves past the batch, so one poison record
 * never stops the records after it.
 */

export interface StreamMappingPolicy {
  /** A failing batch of more than one record is split in two, each half retried on its own. */
  readonly bisectOnError: boolean;
  /** Retries of a failing single record before it is set aside (the mapping's MaximumRetryAttempts). */
  readonly retryAttempts: number;
  /** Records older than this are set aside unprocessed (MaximumRecordAgeInSeconds). */
  readonly maxRecordAgeMs: number;
  /** The wait before the `attempt`-th retry of a record. */
  readonly retryDelayMs: (attempt: number) => number;
}

export type SetAsideCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export interface BatchIo<R> {
  /**
   * One invocation: undefined when every record was handled, else the index of the
   * first record to read again (a partial batch response; 0 when the function threw).
   */
  invoke(records: readonly R[]): Promise<number | undefined>;
  /** The on-failure destination: records given up on, in order, with why. */
  setAside(records: readonly R[], condition: SetAsideCondition, invocations: number): Promise<void>;
  ageMs(record: R): number;
  sleep(ms: number): Promise<void>;
}

interface Pending<R> {
  readonly records: readonly R[];
  /** Failed invocations of this exact run of records so far. */
  readonly failures: number;
}

/**
 * Runs `records` (one shard's batch, in order) to the end: on a partial failure the
 * records before the one named are done and the rest is retried; a failing run of
 * several records is bisected (AWS bisects at the named record, then in halves),
 * so retries narrow down to the record that fails; a single record that still
 * fails after `retryAttempts` retries is set aside. Returns the records set aside.
 */
export async function runStreamBatch<R>(records: readonly R[], io: BatchIo<R>, policy: StreamMappingPolicy): Promise<number> {
  let setAside = 0;
  const expired = records.filter((r) => io.ageMs(r) > policy.maxRecordAgeMs);
  if (expired.length > 0) {
    await io.setAside(expired, 'RecordAgeExceeded', 0);
    setAside += expired.length;
  }
  const live = records.filter((r) => io.ageMs(r) <= policy.maxRecordAgeMs);
  const queue: Pending<R>[] = live.length > 0 ? [{ records: live, failures: 0 }] : [];
  while (queue.length > 0) {
    const current = queue.shift() as Pending<R>;
    const failedFrom = await io.invoke(current.records);
    if (failedFrom === undefined || failedFrom >= current.records.length) continue;
    const rest = current.records.slice(Math.max(0, failedFrom));
    if (failedFrom > 0) {
      // Progress: the records before the one named are done; retry from it at once.
      queue.unshift({ records: rest, failures: 0 });
      continue;
    }
    if (rest.length > 1 && policy.bisectOnError) {
      const half = Math.ceil(rest.length / 2);
      queue.unshift({ records: rest.slice(0, half), failures: 0 }, { records: rest.slice(half), failures: 0 });
      continue;
    }
    const failures = current.failures + 1;
    if (failures > policy.retryAttempts) {
      await io.setAside(rest, 'RetryAttemptsExhausted', failures);
      setAside += rest.length;
      continue;
    }
    await io.sleep(policy.retryDelayMs(failures));
    queue.unshift({ records: rest, failures });
  }
  return setAside;
}

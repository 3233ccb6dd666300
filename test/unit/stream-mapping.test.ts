import { describe, expect, it } from 'vitest';
import { runStreamBatch, type StreamMappingPolicy } from '../../local/stream-batch-runner.js';
import { withEmptyMaps } from '../../local/stream-poller.js';
import { holdsRef, possibleHolders, releasedRefs } from '../../shared/domain/value-refs.js';
import type { Task } from '../../shared/domain/task.js';

const policy: StreamMappingPolicy = { bisectOnError: true, retryAttempts: 10, maxRecordAgeMs: 86_400_000, retryDelayMs: () => 0 };

/** A consumer as functions/stream-consumer.ts answers: the records before a poison one are handled, it is named (or thrown on, when first). */
function consumer(poison: ReadonlySet<number>) {
  const handled: number[] = [];
  let invocations = 0;
  const invoke = async (records: readonly number[]): Promise<number | undefined> => {
    invocations++;
    const at = records.findIndex((r) => poison.has(r));
    handled.push(...(at === -1 ? records : records.slice(0, at)));
    return at === -1 ? undefined : at;
  };
  return { handled, invoke, invocations: () => invocations };
}

describe('the local stream mapping, as the deployed one (bisect, bounded retries, on-failure destination)', () => {
  it('sets one poison record among 100 good ones aside and handles every record after it', async () => {
    const records = Array.from({ length: 101 }, (_, i) => i);
    const { handled, invoke, invocations } = consumer(new Set([37]));
    const setAside: { records: readonly number[]; condition: string }[] = [];
    const count = await runStreamBatch(records, { invoke, setAside: async (r, condition) => void setAside.push({ records: r, condition }), ageMs: () => 0, sleep: async () => undefined }, policy);
    expect(count).toBe(1);
    expect(setAside).toEqual([{ records: [37], condition: 'RetryAttemptsExhausted' }]);
    expect(handled).toEqual(records.filter((r) => r !== 37));
    // Bounded: bisection narrows to the record, which is then tried 1 + 10 times.
    expect(invocations()).toBeLessThan(40);
  });

  it('retries a failing batch without bisecting when the mapping does not bisect, then sets all of it aside', async () => {
    const { invoke } = consumer(new Set([0]));
    const setAside: number[] = [];
    await runStreamBatch([0, 1, 2], { invoke, setAside: async (r) => void setAside.push(...r), ageMs: () => 0, sleep: async () => undefined }, { ...policy, bisectOnError: false, retryAttempts: 2 });
    expect(setAside).toEqual([0, 1, 2]);
  });

  it('sets records older than the maximum age aside without invoking', async () => {
    const { handled, invoke } = consumer(new Set());
    const setAside: { records: readonly number[]; condition: string }[] = [];
    await runStreamBatch([1, 2, 3], { invoke, setAside: async (r, condition) => void setAside.push({ records: r, condition }), ageMs: (r) => (r === 1 ? 90_000_000 : 0), sleep: async () => undefined }, policy);
    expect(setAside).toEqual([{ records: [1], condition: 'RecordAgeExceeded' }]);
    expect(handled).toEqual([2, 3]);
  });

  it('restores the empty maps DynamoDB Local renders as {} in stream images', () => {
    expect(withEmptyMaps({ a: { S: 'x' }, resources: {} as never, nested: { M: { m: {} as never, l: { L: [{} as never] } } } })).toEqual({
      a: { S: 'x' },
      resources: { M: {} },
      nested: { M: { m: { M: {} }, l: { L: [{ M: {} }] } } },
    });
  });
});

describe('values-bucket objects follow the records that point to them', () => {
  const task = (refs: Partial<Pick<Task, 'payloadRef' | 'resultRef'>>): Task => ({ id: 't1', tenant: 'acme', ...refs }) as Task;
  const payload = { key: 'acme/t1/payload.json', bytes: 9000 };
  const result = { key: 'acme/t1/result.json', bytes: 9000 };

  it('releases every ref of a removed record, and only the refs a rewrite dropped', () => {
    expect(releasedRefs(task({ payloadRef: payload, resultRef: result }), undefined)).toEqual([payload, result]);
    expect(releasedRefs(task({ payloadRef: payload }), task({ payloadRef: payload, resultRef: result }))).toEqual([]);
    expect(releasedRefs(task({ payloadRef: payload }), task({ payloadRef: { key: 'acme/t1/payload-2.json', bytes: 1 } }))).toEqual([payload]);
    expect(releasedRefs(undefined, task({ payloadRef: payload }))).toEqual([]);
  });

  it('names the writer and its next stage as the records that may still hold an object', () => {
    expect(possibleHolders('acme/a%2Fb/result.json')).toEqual({ tenant: 'acme', ids: ['a/b', 'a/b~then'] });
    expect(possibleHolders('nonsense')).toBeUndefined();
    expect(holdsRef(task({ payloadRef: result }), result.key)).toBe(true);
    expect(holdsRef(undefined, result.key)).toBe(false);
  });
});

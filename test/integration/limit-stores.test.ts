import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../shared/adapters/aws-clients.js';
import { DynamoDbConcurrencySlots } from '../../shared/adapters/dynamodb/dynamodb-concurrency-slots.js';
import { DynamoDbRateLimits } from '../../shared/adapters/dynamodb/dynamodb-rate-limits.js';
import { MemoryConcurrencySlots } from '../../shared/adapters/memory/memory-concurrency-slots.js';
import { MemoryRateLimits } from '../../shared/adapters/memory/memory-rate-limits.js';
import type { ConcurrencySlots } from '../../shared/ports/concurrency-slots.js';
import type { RateLimitStore } from '../../shared/ports/rate-limits.js';
import { useTestStack } from '../helpers/local-stack.js';

const t = useTestStack({ events: false });
const db = () => createDocumentClient({ region: 'us-east-1', dynamoDbEndpoint: t.stack.dynamoDbEndpoint });

const stores: [string, () => { slots: ConcurrencySlots; rates: RateLimitStore }][] = [
  ['memory', () => ({ slots: new MemoryConcurrencySlots(), rates: new MemoryRateLimits() })],
  ['DynamoDB', () => ({ slots: new DynamoDbConcurrencySlots(db(), t.stack.tableName), rates: new DynamoDbRateLimits(db(), t.stack.tableName) })],
];

let n = 0;
describe.each(stores)('the limit stores (%s): one contract', (_name, make) => {
  /** A new type of tenant `acme` limited to 5 starts a second: its bucket full. */
  const freshBucket = async () => {
    const { rates } = make();
    const type = `type${++n}`;
    const rate = { limit: 5, perMs: 1000 };
    await rates.put('acme', type, rate);
    return { rates, type, rate };
  };

  it("lists a tenant's keys with their holders and latest limit, and no other tenant's", async () => {
    const { slots } = make();
    const tenant = `lister${++n}`;
    await slots.acquire(tenant, 'b-key', 2, { taskId: 't1', attempt: 1, at: 2000 });
    await slots.acquire(tenant, 'b-key', 3, { taskId: 't2', attempt: 1, at: 3000 });
    await slots.acquire(tenant, 'a-key', 1, { taskId: 't3', attempt: 1, at: 4000 });
    await slots.release(tenant, 'a-key', 't3', 1);
    await slots.acquire(`other${n}`, 'c-key', 1, { taskId: 't4', attempt: 1, at: 5000 });
    const listed = await slots.list(tenant, 10);
    expect(listed.map((k) => k.key)).toEqual(['a-key', 'b-key']);
    expect(listed[0]).toMatchObject({ key: 'a-key', holders: [], limit: 1 });
    expect(listed[1]?.limit).toBe(3);
    expect(listed[1]?.holders.map((h) => h.taskId).sort()).toEqual(['t1', 't2']);
    expect(await slots.list(tenant, 1)).toHaveLength(1);
  });

  it('never lets concurrent acquirers past the limit, and answers the holders that keep one out', async () => {
    const { slots } = make();
    const key = `k${++n}`;
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => slots.acquire('acme', key, 3, { taskId: `t${i}`, attempt: 1, at: 1000 + i })));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
    const refused = outcomes.find((o) => !o.ok) as { readonly holders: readonly { taskId: string; attempt: number; at: number }[] };
    expect(refused.holders).toHaveLength(3);
    expect(refused.holders.every((h) => /^t\d+$/.test(h.taskId) && h.attempt === 1 && h.at >= 1000)).toBe(true);
    const holders = (await slots.holders('acme', [key, 'nobody'])).get(key) ?? [];
    expect(holders.map((h) => h.taskId).sort()).toEqual(refused.holders.map((h) => h.taskId).sort());
    // The same task again (a repeat) is admitted; a release of another attempt is ignored.
    expect(await slots.acquire('acme', key, 3, { taskId: holders[0]!.taskId, attempt: 2, at: 2000 })).toEqual({ ok: true });
    await slots.release('acme', key, holders[0]!.taskId, 1);
    expect((await slots.holders('acme', [key])).get(key)).toHaveLength(3);
    await slots.release('acme', key, holders[0]!.taskId, 2);
    expect(await slots.acquire('acme', key, 3, { taskId: 'late', attempt: 1, at: 3000 })).toEqual({ ok: true });
    expect(await slots.acquire('other', key, 1, { taskId: 'x', attempt: 1, at: 3000 })).toEqual({ ok: true });
  });

  it('takes exactly the tokens a bucket holds, concurrently, and says when the next is due', async () => {
    const { rates, type, rate } = await freshBucket();
    const now = 1_000_000;
    const taken = await Promise.all(Array.from({ length: 12 }, () => rates.take('acme', type, rate, now)));
    expect(taken.filter((d) => d.ok)).toHaveLength(5);
    expect(taken.filter((d) => !d.ok).every((d) => !d.ok && !d.reserved && d.retryAt === now + 200)).toBe(true);
    expect((await rates.take('acme', type, rate, now + 200)).ok).toBe(true);
    expect((await rates.take('acme', type, rate, now + 200)).ok).toBe(false);
    // Idle for long: full again, but never more than the burst.
    const later = await Promise.all(Array.from({ length: 8 }, () => rates.take('acme', type, rate, now + 60_000)));
    expect(later.filter((d) => d.ok)).toHaveLength(5);
    expect(await rates.list('acme')).toContainEqual(expect.objectContaining({ type, rate }));
    expect(await rates.remove('acme', type)).toBe(true);
    expect(await rates.remove('acme', type)).toBe(false);
    // A limit removed while a start was on its way limits nothing, and is not brought back.
    expect(await rates.take('acme', type, rate, now + 60_000, 1000)).toMatchObject({ ok: true });
    expect((await rates.list('acme')).map((l) => l.type)).not.toContain(type);
  });

  it('reserves each concurrent waiter its own next token within the horizon, and refuses beyond it', async () => {
    const { rates, type, rate } = await freshBucket();
    const now = 2_000_000;
    const taken = await Promise.all(Array.from({ length: 12 }, () => rates.take('acme', type, rate, now, 1000)));
    expect(taken.filter((d) => d.ok)).toHaveLength(5);
    // Five waiters, five distinct tokens, one interval apart, the last at the horizon.
    const reserved = taken.flatMap((d) => (!d.ok && d.reserved ? [d.at] : [])).sort((a, b) => a - b);
    expect(reserved).toEqual([200, 400, 600, 800, 1000].map((ms) => now + ms));
    // Beyond the horizon: refused, with the time of the first token nobody holds.
    expect(taken.filter((d) => !d.ok && !d.reserved)).toEqual([
      { ok: false, reserved: false, retryAt: now + 1200 },
      { ok: false, reserved: false, retryAt: now + 1200 },
    ]);
    // The reserved tokens are gone from the bucket: at their time, nothing is left to take.
    expect(await rates.take('acme', type, rate, now + 1000)).toEqual({ ok: false, reserved: false, retryAt: now + 1200 });
    expect(await rates.take('acme', type, rate, now + 1200)).toMatchObject({ ok: true });
    // An idle bucket gives a token now, reservation or not.
    expect(await rates.take('acme', type, rate, now + 60_000, 1000)).toMatchObject({ ok: true });
    expect((await rates.list('acme')).find((l) => l.type === type)?.tat).toBe(now + 60_200);
  });
});

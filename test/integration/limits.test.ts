import { describe, expect, it, vi } from 'vitest';
import { TaskLifecycle } from '../../shared/services/task-lifecycle.js';
import { useTestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait.js';

const t = useTestStack({ workers: true, events: false });

interface Row {
  id: string;
  status: string;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
}

/** Every listed task of `type` once all `count` of them are COMPLETED (a generous wait: the machine is shared). */
async function completed(type: string, count: number, timeoutMs: number): Promise<Row[]> {
  return waitFor(
    async () => ((await t.api('GET', `/tasks?type=${type}&limit=100`)).body.items as Row[]).filter((r) => r.status === 'COMPLETED'),
    (rows) => rows.length >= count,
    timeoutMs,
    500,
  );
}

describe('rate limits', () => {
  it('a 10/s limit holds 100 tasks to about 10 s of starts, each waiter refused once, and every one completes on its first attempt', async () => {
    // The workers run in this process: every wait for a turn is one requeue (a fresh SQS message).
    const requeues = vi.spyOn(TaskLifecycle.prototype, 'requeue');
    const put = await t.api('PUT', '/rate-limits/echo', { limit: 10, per: '1s' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ type: 'echo', limit: 10, per: '1s', used: 0 });
    const batch = await t.api('POST', '/tasks/batch', { tasks: Array.from({ length: 100 }, (_, i) => ({ type: 'echo', payload: i })) });
    expect(batch.body.accepted).toBe(100);

    const rows = await completed('echo', 100, 180_000);
    const refused = requeues.mock.calls.length;
    requeues.mockRestore();
    const starts = rows.map((r) => Date.parse(r.startedAt as string)).sort((a, b) => a - b);
    const spanMs = (starts.at(-1) as number) - (starts[0] as number);
    const busiest = Math.max(...starts.map((start) => starts.filter((s) => s >= start && s < start + 1000).length));
    console.log(`100 tasks at 10/s: starts spanned ${(spanMs / 1000).toFixed(2)} s, busiest second ${busiest} starts, ${refused} waits (requeues)`);
    // A bucket of 10 allows 10 at once, then one per 100 ms: the 100th starts 9 s after the first.
    expect(spanMs).toBeGreaterThanOrEqual(8_500);
    // Only a sanity bound: a loaded machine may start them late, never early.
    expect(spanMs).toBeLessThan(60_000);
    // Never early: the k-th start waits for the k-th token (10 at once, then one per 100 ms),
    // less the second of slack a held token allows. Load only makes starts later.
    for (const [k, start] of starts.entries()) expect(start - (starts[0] as number)).toBeGreaterThanOrEqual((k - 9) * 100 - 1000);
    // A waiter reserves its token when first refused and starts on it: at most one wait each (~n, not ~n²/2r).
    expect(refused).toBeLessThanOrEqual(100);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
  }, 240_000);

  it('lists, shows in /stats and deletes a limit', async () => {
    await t.api('PUT', '/rate-limits/report', { limit: 5, per: '1m' });
    const list = await t.api('GET', '/rate-limits');
    expect(list.body.items).toContainEqual({ type: 'report', limit: 5, per: '1m', used: 0 });
    const stats = await t.api('GET', '/stats');
    expect(stats.body.rateLimits).toContainEqual(expect.objectContaining({ type: 'report', limit: 5, per: '1m' }));
    expect((await t.api('PUT', '/rate-limits/report', { limit: 5, per: 'soon' })).status).toBe(400);
    expect((await t.api('DELETE', '/rate-limits/report')).status).toBe(204);
    expect((await t.api('DELETE', '/rate-limits/report')).status).toBe(404);
  });
});

describe('concurrency keys', () => {
  it('a concurrency key of 1 never runs two at once, and tasks of other keys run meanwhile', async () => {
    const tasks = [
      ...Array.from({ length: 6 }, () => ({ type: 'sleep', payload: { ms: 400 }, concurrencyKey: 'customer-1' })),
      ...Array.from({ length: 3 }, () => ({ type: 'sleep', payload: { ms: 400 }, concurrencyKey: 'customer-2' })),
    ];
    const batch = await t.api('POST', '/tasks/batch', { tasks });
    expect(batch.body.accepted).toBe(9);
    const ids = (batch.body.items as { id: string }[]).map((item) => item.id);
    const rows = await waitFor(
      async () => Promise.all(ids.map(async (id) => (await t.api('GET', `/tasks/${id}`)).body as Row & { placement?: unknown })),
      (all) => all.every((r) => r.status === 'COMPLETED'),
      120_000,
      500,
    );
    for (const key of [ids.slice(0, 6), ids.slice(6)]) {
      const intervals = rows
        .filter((r) => key.includes(r.id))
        .map((r) => [Date.parse(r.startedAt as string), Date.parse(r.finishedAt as string)] as const)
        .sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < intervals.length; i++) expect(intervals[i]![0]).toBeGreaterThanOrEqual(intervals[i - 1]![1]);
    }
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
  }, 180_000);

  it('GET /rate-limits lists each concurrency key with its slots used now and its limit', async () => {
    const key = `listed-${Date.now()}`;
    const agent = (await t.api('POST', '/workers', { name: 'lister', capabilities: ['shell'], capacity: { slots: 4 } })).body;
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await t.api('POST', '/tasks', { type: 'sh', requires: ['shell'], concurrencyKey: key, concurrencyLimit: 2 })).body.id);
    const leased = (await t.api('POST', `/workers/${agent.id}/lease`, { max: 4 })).body.tasks as { id: string; leaseToken: string }[];
    expect(leased).toHaveLength(2);
    const listed = (await t.api('GET', '/rate-limits')).body.concurrencyKeys.find((k: { key: string }) => k.key === key);
    expect(listed).toMatchObject({ key, used: 2, limit: 2 });
    expect(listed.holders.map((h: { taskId: string }) => h.taskId).sort()).toEqual(leased.map((l) => l.id).sort());
    for (const l of leased) await t.api('POST', `/tasks/${l.id}/complete`, { leaseToken: l.leaseToken, result: {} });
    const after = (await t.api('GET', '/rate-limits')).body.concurrencyKeys.find((k: { key: string }) => k.key === key);
    expect(after.used).toBe(0);
    // The third, kept out while the key was full, is not the next test's to lease.
    for (const id of ids.filter((id) => !leased.some((l) => l.id === id))) expect((await t.api('DELETE', `/tasks/${id}`)).status).toBe(200);
  });

  it('on an agent pool: a lease skips a full key and takes the next key', async () => {
    const agent = (await t.api('POST', '/workers', { name: 'keyed', capabilities: ['shell'], capacity: { slots: 4 } })).body;
    const submit = async (key: string): Promise<string> =>
      (await t.api('POST', '/tasks', { type: 'sh', requires: ['shell'], concurrencyKey: key })).body.id;
    const a1 = await submit('agent-a');
    const a2 = await submit('agent-a');
    const b1 = await submit('agent-b');
    const first = (await t.api('POST', `/workers/${agent.id}/lease`, { max: 4 })).body.tasks as { id: string; leaseToken: string }[];
    expect(first.map((l) => l.id).sort()).toEqual([a1, b1].sort());
    expect((await t.api('POST', `/workers/${agent.id}/lease`, { max: 4 })).body.tasks).toEqual([]);
    const leasedA = first.find((l) => l.id === a1) as { leaseToken: string };
    expect((await t.api('POST', `/tasks/${a1}/complete`, { leaseToken: leasedA.leaseToken, result: null })).status).toBe(200);
    const next = (await t.api('POST', `/workers/${agent.id}/lease`, { max: 4 })).body.tasks as { id: string }[];
    expect(next.map((l) => l.id)).toEqual([a2]);
  });
});

import { describe, expect, it } from 'vitest';
import { countWords, mergeCounts } from '../../handlers/word-count.js';
import { useTestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait.js';

const local = useTestStack({ workers: true, env: { TASKFLEET_RETRY_BASE_SECONDS: '0', TASKFLEET_CIRCUIT_THRESHOLD: '1000' } });

const finished = (id: string, timeoutMs = 60_000) =>
  waitFor(() => local.api('GET', `/jobs/${id}`), (r) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(r.body.status), timeoutMs, 250);

describe('map-reduce jobs', () => {
  it('reduces 200 count-words children to the right counts', async () => {
    const words = ['taskfleet', 'queue', 'lambda', 'agent', 'priority', 'fan', 'in'];
    const texts = Array.from({ length: 200 }, (_, i) => Array.from({ length: 5 + (i % 7) }, (_, k) => words[(i * 3 + k) % words.length]).join(' '));
    const submitted = await local.api('POST', '/jobs', {
      map: { type: 'count-words', items: texts.map((text) => ({ text })) },
      reduce: { type: 'merge-counts' },
      priority: 'high',
    });
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({ status: 'RUNNING', total: 200, pool: 'general' });

    const job = (await finished(submitted.body.id)).body;
    expect(job).toMatchObject({ status: 'COMPLETED', total: 200, completed: 200, failed: 0, progress: 1 });
    expect(job.result).toEqual(mergeCounts(texts.map(countWords)));
    expect(job.stages.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual(['map:DONE', 'reduce:COMPLETED']);
  });

  it('returns a result over 8 KiB where a user looks: a reference on GET /jobs/{id}, the value with ?include=result', async () => {
    // 1,200 distinct words: the merged counts are ~20 KiB, so the reduce keeps them in the values bucket.
    const texts = Array.from({ length: 12 }, (_, i) => Array.from({ length: 100 }, (_, k) => `word${i * 100 + k}`).join(' '));
    const { body } = await local.api('POST', '/jobs', { map: { type: 'count-words', items: texts.map((text) => ({ text })) }, reduce: { type: 'merge-counts' } });
    const job = (await finished(body.id)).body;
    expect(job).toMatchObject({ status: 'COMPLETED', result: null, resultRef: { bytes: expect.any(Number) } });
    expect(job.resultRef.bytes).toBeGreaterThan(8192);
    const included = await local.api('GET', `/jobs/${body.id}?include=result`);
    expect(included.status).toBe(200);
    expect(included.body.result).toEqual(mergeCounts(texts.map(countWords)));
    expect(included.body.resultRef).toBeUndefined();
    expect(await local.api('GET', `/jobs/${body.id}?include=payload`)).toMatchObject({ status: 400, body: { error: { fields: [{ field: 'include' }] } } });
  });

  it('expands a job of several steps on a worker, then reduces it', async () => {
    const items = Array.from({ length: 700 }, (_, i) => ({ text: i % 2 === 0 ? 'even' : 'odd' }));
    const submitted = await local.api('POST', '/jobs', { map: { type: 'count-words', items }, reduce: { type: 'merge-counts' }, idempotencyKey: 'seven-hundred' });
    expect(submitted.status).toBe(202);
    const job = (await finished(submitted.body.id, 120_000)).body;
    expect(job).toMatchObject({ status: 'COMPLETED', total: 700, expanded: 700, completed: 700, result: { even: 350, odd: 350 } });
    expect(await local.api('POST', '/jobs', { map: { type: 'count-words', items }, idempotencyKey: 'seven-hundred' })).toMatchObject({ status: 200, body: { id: submitted.body.id } });
  }, 150_000);

  it('reduces over the successes when failures are within the policy', async () => {
    const items = [...Array.from({ length: 8 }, (_, i) => ({ text: `ok ${i}` })), { bad: 1 }, { bad: 2 }];
    const { body } = await local.api('POST', '/jobs', {
      map: { type: 'count-words', items },
      reduce: { type: 'merge-counts' },
      failurePolicy: { maxFailedFraction: 0.2 },
    });
    const job = (await finished(body.id)).body;
    expect(job).toMatchObject({ status: 'COMPLETED', completed: 8, failed: 2 });
    expect(job.result.ok).toBe(8);
  });

  it('fails a job beyond its policy', async () => {
    const { body } = await local.api('POST', '/jobs', {
      map: { type: 'count-words', items: [{ text: 'fine' }, { bad: 1 }, { bad: 2 }] },
      reduce: { type: 'merge-counts' },
      failurePolicy: { maxFailedFraction: 0.4 },
    });
    const job = (await finished(body.id)).body;
    expect(job.status).toBe('FAILED');
    expect(job.error).toMatch(/children did not complete; the failure policy allows 1/);
  });

  it('runs a job’s next stage on the reduce result', async () => {
    const { body } = await local.api('POST', '/jobs', {
      map: { type: 'count-words', items: [{ text: 'x y' }, { text: 'x' }] },
      reduce: { type: 'merge-counts' },
      then: { type: 'echo' },
    });
    const job = (await finished(body.id)).body;
    expect(job.stages.map((s: { name: string }) => s.name)).toEqual(['map', 'reduce', 'then']);
    expect(job).toMatchObject({ status: 'COMPLETED', result: { x: 2, y: 1 } });
  });

  it('cancels a job of 2,000 children while workers run it: each child ends CANCELLED, COMPLETED or FAILED, counted once, none PENDING', async () => {
    const n = 2_000;
    const { body } = await local.api('POST', '/jobs', { map: { type: 'count-words', items: Array.from({ length: n }, (_, i) => ({ text: `w${i % 5}` })) }, reduce: { type: 'merge-counts' } });
    // Some children written and running, the expansion still under way.
    await waitFor(() => local.api('GET', `/jobs/${body.id}`), (r) => r.body.expanded >= 500 || r.body.completed > 0, 120_000, 100);
    const cancelled = await local.api('DELETE', `/jobs/${body.id}`);
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'CANCELLED' } });
    const job = (await waitFor(() => local.api('GET', `/jobs/${body.id}`), (r) => r.body.stages[0].status !== 'CANCELLING', 300_000, 500)).body;
    const ids = Array.from({ length: n }, (_, i) => `${body.id}~${i}`);
    const children = await local.stack.services.jobDeps.records.getMany(local.stack.tenant, ids);
    const byStatus = children.reduce<Record<string, number>>((sum, t) => ({ ...sum, [t.status]: (sum[t.status] ?? 0) + 1 }), {});
    console.log(`cancelled a job of ${n} children at ${cancelled.body.expanded} expanded: ${JSON.stringify(byStatus)}`);
    expect(Object.keys(byStatus).filter((s) => !['CANCELLED', 'COMPLETED', 'FAILED'].includes(s))).toEqual([]);
    // Each child's end is counted once, from the table's stream: the job's counts catch up with the records.
    const counted = (j: { completed: number; cancelled: number; failed: number }): boolean =>
      j.completed === (byStatus.COMPLETED ?? 0) && j.cancelled === (byStatus.CANCELLED ?? 0) && j.failed === (byStatus.FAILED ?? 0);
    const settled = (await waitFor(() => local.api('GET', `/jobs/${body.id}`), (r) => counted(r.body), 60_000, 500)).body;
    expect(settled).toMatchObject({ status: 'CANCELLED', completed: byStatus.COMPLETED ?? 0, cancelled: byStatus.CANCELLED ?? 0, failed: byStatus.FAILED ?? 0 });
    expect(job.status).toBe('CANCELLED');
    expect(job.stages[1]).toMatchObject({ name: 'reduce', status: 'WAITING' });
  }, 450_000);

  it('names bad job input, and answers 404 for another tenant’s or an unknown job', async () => {
    const bad = await local.api('POST', '/jobs', { map: { type: 'count-words', items: [] }, priority: 'urgent' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['map.items', 'priority']);
    expect((await local.api('POST', '/jobs', { map: { type: 'x', items: [1] }, requires: ['quantum'] })).status).toBe(422);
    expect((await local.api('POST', '/jobs', { map: { type: 'x', items: [1] }, then: { type: 'echo' } })).status).toBe(400);
    expect((await local.api('GET', '/jobs/nope')).status).toBe(404);
  });
});

describe('pipelines', () => {
  it('passes the first stage’s result to the second', async () => {
    const { body } = await local.api('POST', '/tasks', { type: 'count-words', payload: { text: 'one two two' }, then: { type: 'echo' } });
    const second = await waitFor(() => local.api('GET', `/tasks/${body.id}~then`), (r) => r.body?.status === 'COMPLETED', 30_000, 200);
    expect(second.body).toMatchObject({ type: 'echo', payload: { one: 1, two: 2 }, result: { one: 1, two: 2 } });
  });

  it('refuses a next stage no pool can run', async () => {
    const refused = await local.api('POST', '/tasks', { type: 'echo', then: { type: 'x', requires: ['quantum'] } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields[0].field).toBe('then.requires');
  });
});

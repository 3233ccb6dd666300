import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JOB_ITEMS } from '../../shared/domain/job.js';
import type { LocalStack } from '../../local/runtime.js';
import { apiClient, startTestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait.js';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ workers: true });
});
afterAll(async () => stack?.stop());

describe('a job at the limit', () => {
  it(`completes a ${MAX_JOB_ITEMS.toLocaleString('en')}-child map-reduce`, async () => {
    const api = apiClient(stack.apiUrl, stack.token);
    const started = Date.now();
    const items = Array.from({ length: MAX_JOB_ITEMS }, (_, i) => ({ text: i % 2 === 0 ? 'even' : 'odd' }));
    const { status, body } = await api('POST', '/jobs', { map: { type: 'count-words', items }, reduce: { type: 'merge-counts' }, priority: 'critical' });
    expect(status).toBe(202);
    const accepted = Date.now();
    const job = await waitFor(() => api('GET', `/jobs/${body.id}`), (r) => r.body.status !== 'RUNNING' && r.body.status !== 'REDUCING', 600_000, 2000);
    console.log(`${MAX_JOB_ITEMS} children: accepted in ${((accepted - started) / 1000).toFixed(1)} s, done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(job.body).toMatchObject({ status: 'COMPLETED', completed: MAX_JOB_ITEMS, failed: 0, result: { even: MAX_JOB_ITEMS / 2, odd: MAX_JOB_ITEMS / 2 } });
  }, 700_000);
});

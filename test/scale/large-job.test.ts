import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/runtime.js';
import { apiClient, startTestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait.js';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ workers: true });
});
afterAll(async () => stack?.stop());

// 10,000 children: minutes on the emulators. The 100,000 limit is shown by `npm run bench:jobs`.
const CHILDREN = 10_000;

describe('a large job', () => {
  it(`completes a ${CHILDREN.toLocaleString('en')}-child map-reduce`, async () => {
    const api = apiClient(stack.apiUrl, stack.token);
    const started = Date.now();
    const items = Array.from({ length: CHILDREN }, (_, i) => ({ text: i % 2 === 0 ? 'even' : 'odd' }));
    const { status, body } = await api('POST', '/jobs', { map: { type: 'count-words', items }, reduce: { type: 'merge-counts' }, priority: 'critical' });
    expect(status).toBe(202);
    const accepted = Date.now();
    // A poll that meets a dropped keep-alive connection on a busy machine just polls again.
    const job = await waitFor(() => api('GET', `/jobs/${body.id}`).catch(() => ({ status: 0, body: { status: 'RUNNING' } })), (r) => r.body.status !== 'RUNNING' && r.body.status !== 'REDUCING', 600_000, 2000);
    console.log(`${CHILDREN} children: accepted in ${((accepted - started) / 1000).toFixed(1)} s, done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(job.body).toMatchObject({ status: 'COMPLETED', completed: CHILDREN, failed: 0, result: { even: CHILDREN / 2, odd: CHILDREN / 2 } });
  }, 700_000);
});

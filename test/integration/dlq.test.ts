import { describe, expect, it } from 'vitest';
import { hashToken } from '../../shared/domain/token.js';
import { awsServices } from '../../shared/wiring.js';
import { apiClient, useTestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait.js';

const local = useTestStack({ workers: true, env: { TASKFLEET_CIRCUIT_THRESHOLD: '1000' } });

describe('dead letters', () => {
  it('lists a failed task’s letter, replays it, and a failed replay leaves exactly one new letter', async () => {
    const { body } = await local.api('POST', '/tasks', { type: 'fail', payload: { times: 1 }, maxAttempts: 1, priority: 'low' });
    await waitFor(() => local.api('GET', `/tasks/${body.id}`), (r) => r.body.status === 'FAILED');

    const listed = await local.api('GET', '/dlq?pool=general&priority=low');
    expect(listed.status).toBe(200);
    const letter = listed.body.letters.find((l: { taskId: string }) => l.taskId === body.id);
    expect(letter).toMatchObject({ type: 'fail', attempts: 1, queue: 'general:low', error: { message: 'planned failure 1 of 1' } });
    expect(letter.tenant).toBeUndefined();

    await awsServices().tokens.put(hashToken('other-tenant'), 'globex', 'test');
    expect((await apiClient(local.stack.apiUrl, 'other-tenant')('GET', '/dlq')).body.letters).toEqual([]);

    const redriven = await local.api('POST', '/dlq/redrive', { taskIds: [body.id] });
    expect(redriven.body).toEqual({ redriven: [body.id], dropped: [] });
    // fail {times: 1} fails its first attempt again: FAILED once more, with one fresh letter.
    await waitFor(() => local.api('GET', `/tasks/${body.id}`), (r) => r.body.status === 'FAILED' && r.body.attempts === 1 && r.body.finishedAt !== undefined);
    const again = await waitFor(
      () => local.api('GET', '/dlq?pool=general&priority=low'),
      (r) => r.body.letters.filter((l: { taskId: string }) => l.taskId === body.id).length === 1,
    );
    expect(again.body.letters.filter((l: { taskId: string }) => l.taskId === body.id)).toHaveLength(1);
  });

  it('names bad selections', async () => {
    const bad = await local.api('GET', '/dlq?pool=moon&priority=urgent');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['pool', 'priority']);
    expect((await local.api('POST', '/dlq/redrive', { max: 0 })).status).toBe(400);
  });
});

import { describe, expect, it } from 'vitest';
import { addToken } from '../../shared/services/authorize.js';
import { apiClient, useTestStack, type ApiClient } from '../helpers/local-stack.js';
import { TERMINAL, waitFor } from '../helpers/wait.js';

// A circuit opens after two failures and stays open for the whole file: whatever is
// refused is still refused at the end, so ordering, not timing, shows who was held up.
const local = useTestStack({
  workers: true,
  env: { TASKFLEET_CIRCUIT_THRESHOLD: '2', TASKFLEET_CIRCUIT_COOLDOWN_SECONDS: '600' },
});

async function submit(api: ApiClient, task: Record<string, unknown>): Promise<string> {
  const { status, body } = await api('POST', '/tasks', task);
  expect(status).toBe(202);
  return body.id as string;
}

async function finished(api: ApiClient, id: string): Promise<Record<string, any>> {
  const done = await waitFor(() => api('GET', `/tasks/${id}`), (r) => TERMINAL.includes(r.body.status), 60_000);
  return done.body;
}

describe("a circuit covers one tenant's one task type", () => {
  it("holds back only the failing type of the failing tenant: another tenant's work and other types run", async () => {
    await addToken(local.stack.services.taskDeps.tokens, 'globex-circuit-token', 'globex', 'test');
    const globex = apiClient(local.stack.apiUrl, 'globex-circuit-token');

    // acme's `fail` fails twice: its circuit opens.
    for (const id of [await submit(local.api, { type: 'fail', payload: { times: 99 }, maxAttempts: 1 }), await submit(local.api, { type: 'fail', payload: { times: 99 }, maxAttempts: 1 })]) {
      expect(await finished(local.api, id)).toMatchObject({ status: 'FAILED', attempts: 1 });
    }
    await waitFor(() => local.api('GET', '/stats'), (r) => r.body.circuits?.general?.status === 'OPEN');

    // Submitted first, refused while everything after it runs.
    const refused = await submit(local.api, { type: 'fail', payload: { times: 0 }, maxAttempts: 1 });
    expect(await finished(globex, await submit(globex, { type: 'echo', payload: { from: 'globex' } }))).toMatchObject({ status: 'COMPLETED', result: { from: 'globex' } });
    expect(await finished(local.api, await submit(local.api, { type: 'echo', payload: { from: 'acme' } }))).toMatchObject({ status: 'COMPLETED', result: { from: 'acme' } });
    expect(await finished(globex, await submit(globex, { type: 'fail', payload: { times: 0 }, maxAttempts: 1 }))).toMatchObject({ status: 'COMPLETED', attempts: 1 });

    expect((await local.api('GET', `/tasks/${refused}`)).body).toMatchObject({ status: 'PENDING', attempts: 0 });
  });

  it('fails a type with no handler at once, for good, with the reason, and opens no circuit', async () => {
    for (let i = 0; i < 3; i++) {
      const task = await finished(local.api, await submit(local.api, { type: 'x', maxAttempts: 5 }));
      expect(task).toMatchObject({ status: 'FAILED', attempts: 1, error: { message: 'no handler for type x' } });
    }
    expect((await local.stack.services.statsDeps().circuits.get({ pool: 'general', tenant: 'acme', type: 'x' })).version).toBe(0);
  });
});

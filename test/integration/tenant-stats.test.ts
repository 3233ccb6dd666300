import { describe, expect, it } from 'vitest';
import { addToken } from '../../shared/services/authorize.js';
import { apiClient, useTestStack } from '../helpers/local-stack.js';

const local = useTestStack();

describe('GET /stats per tenant', () => {
  it("shows a tenant only its own counts, and pool-wide queues and circuits only to an operator", async () => {
    await addToken(local.stack.services.taskDeps.tokens, 'globex-stats-token', 'globex', 'test');
    const globex = apiClient(local.stack.apiUrl, 'globex-stats-token');
    const before = (await globex('GET', '/stats')).body;
    expect((await local.api('POST', '/tasks', { type: 'echo' })).status).toBe(202);

    const tenantView = (await globex('GET', '/stats')).body;
    expect(tenantView.queues).toBeUndefined();
    expect(tenantView.circuits).toBeUndefined();
    expect(tenantView.tasks).toEqual(before.tasks);

    const operatorView = (await local.api('GET', '/stats')).body;
    expect(operatorView.queues.length).toBeGreaterThan(0);
    expect(operatorView.circuits.general).toBeDefined();
    expect(operatorView.tasks).toBeDefined();
  });

  it('refuses to make a token for a name that could reach index or system keys', async () => {
    for (const tenant of ['JOBS', 'local#agents']) {
      await expect(addToken(local.stack.services.taskDeps.tokens, `t-${tenant}`, tenant, 'test')).rejects.toMatchObject({ status: 400 });
    }
  });
});

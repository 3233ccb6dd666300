import { describe, expect, it } from 'vitest';
import { addToken } from '../../shared/services/authorize.js';
import { apiClient, useTestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait.js';

// Workers on: the aggregates test needs a task to run and finish.
const local = useTestStack({ workers: true });

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

  it('reads the last hour from per-minute aggregates: a finished task shows in the series and its queue time by priority', async () => {
    const submitted = await local.api('POST', '/tasks', { type: 'echo', priority: 'high', payload: { n: 1 } });
    expect(submitted.status).toBe(202);
    await waitFor(async () => (await local.api('GET', `/tasks/${submitted.body.id}`)).body.status, (s) => s === 'COMPLETED', 60_000);
    const stats = await waitFor(
      async () => (await local.api('GET', '/stats')).body,
      (body) => body.series.minutes.some((m: { queueTimeMs: { high?: unknown } }) => m.queueTimeMs.high !== undefined) && body.recent.completed > 0,
      60_000,
    );
    expect(stats.series.window).toBe('hour');
    expect(stats.series.minutes).toHaveLength(60);
    expect(stats.recent.queueTimeByPriority.high.p95).toBeGreaterThanOrEqual(stats.recent.queueTimeByPriority.high.p50);
    expect((await local.api('GET', '/stats?window=day')).body.series.minutes).toHaveLength(1440);
    const refused = await local.api('GET', '/stats?window=week');
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('window');
  }, 150_000);

  it('refuses to make a token for a name that could reach index or system keys', async () => {
    for (const tenant of ['JOBS', 'local#agents']) {
      await expect(addToken(local.stack.services.taskDeps.tokens, `t-${tenant}`, tenant, 'test')).rejects.toMatchObject({ status: 400 });
    }
  });
});

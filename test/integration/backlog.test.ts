import { describe, expect, it } from 'vitest';
import type { ObservedCall } from '../../shared/adapters/aws-call-counter.js';
import { measureBacklog } from '../../shared/services/measure-backlog.js';
import { TABLE } from '../../shared/topology/table.js';
import { useTestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait.js';

const local = useTestStack({ events: true });

describe('agent pool backlog (the sweep’s OldestReadySeconds)', () => {
  it('sees tasks waiting in an agent pool’s ready set, per priority, through the tenants the stream marked', async () => {
    for (const priority of ['high', 'high', 'low']) {
      const submitted = await local.api('POST', '/tasks', { type: 'render', payload: {}, requires: ['gpu'], priority });
      expect(submitted.status).toBe(202);
      expect(submitted.body.pool).toBe('gpu');
    }
    const calls: ObservedCall[] = [];
    const stop = local.stack.calls.observe((call) => calls.push(call));
    const backlogs = await waitFor(
      async () => {
        calls.length = 0;
        return measureBacklog(local.stack.services.backlogDeps());
      },
      (list) => {
        const gpu = list.find((b) => b.pool === 'gpu');
        return gpu !== undefined && gpu.seen === 3 && gpu.oldestSeconds.high >= 1 && gpu.oldestSeconds.low >= 1;
      },
      60_000,
      250,
    );
    stop();
    const gpu = backlogs.find((b) => b.pool === 'gpu');
    expect(gpu).toMatchObject({ tenants: 1, seen: 3, oldestSeconds: { critical: 0, normal: 0 } });
    expect(backlogs.filter((b) => b.pool !== 'gpu').every((b) => b.seen === 0)).toBe(true);

    // What one measurement reads: a Query of each pool's marks, and 16 shard heads per marked tenant × pool.
    const readyQueries = calls.filter((c) => c.command === 'QueryCommand' && (c.input as { IndexName?: string }).IndexName === TABLE.indexes.ready.name);
    const markQueries = calls.filter((c) => c.command === 'QueryCommand' && (c.input as { IndexName?: string }).IndexName === undefined);
    const bytes = readyQueries.map((c) => JSON.stringify((c.output as { Items?: unknown[] }).Items ?? []).length);
    // Eventually consistent index reads: ceil(KB / 4) × ½, at least ½ each.
    const readUnits = bytes.reduce((n, b) => n + Math.max(1, Math.ceil(b / 4096)) * 0.5, 0) + markQueries.length * 0.5;
    console.log(`backlog measurement: ${readyQueries.length} ready-set queries (largest answer ${Math.max(...bytes)} B JSON), ${markQueries.length} mark queries ≈ ${readUnits} read units`);
    expect(readyQueries).toHaveLength(16);
    expect(readUnits).toBeLessThanOrEqual(16 * 0.5 + markQueries.length * 0.5);
  });
});

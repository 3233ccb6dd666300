import { describe, expect, it } from 'vitest';
import { PRIORITIES } from '../../shared/domain/priority.js';
import { buildTopology, hasWorkQueue, resolvePool, TOPOLOGY } from '../../shared/topology/topology.js';

describe('topology', () => {
  it('has a DLQ per pool × priority', () => {
    expect(TOPOLOGY.queues).toHaveLength(TOPOLOGY.pools.length * PRIORITIES.length);
    expect(TOPOLOGY.queues.map((q) => q.key)).toContain('general:critical');
    expect(TOPOLOGY.queues.map((q) => q.dlqName)).toContain('gpu-low-dlq');
  });

  it('declares work queues for Lambda pools only: agents lease from the table, so an agent pool has none', () => {
    const topology = buildTopology([
      { name: 'fn', capabilities: [], workerTimeoutSeconds: 90, maxAttempts: 40, maxReleases: 10 },
      { name: 'crew', capabilities: ['shell'], runsOn: 'agents' },
    ]);
    expect(topology.queues.filter((q) => q.pool === 'fn').map((q) => q.work)).toEqual(
      PRIORITIES.map((p) => ({ name: `fn-${p}`, visibilityTimeoutSeconds: 540, maxReceiveCount: 50 })),
    );
    expect(topology.queues.filter((q) => q.pool === 'crew').map((q) => [q.dlqName, q.work])).toEqual(PRIORITIES.map((p) => [`crew-${p}-dlq`, undefined]));
    expect(TOPOLOGY.queues.filter(hasWorkQueue).map((q) => q.pool)).toEqual(
      TOPOLOGY.queues.filter((q) => TOPOLOGY.pools.find((p) => p.name === q.pool)?.runsOn === 'lambda').map((q) => q.pool),
    );
  });

  it('sets visibility to 6× the worker timeout', () => {
    expect(resolvePool({ name: 'p', capabilities: [], workerTimeoutSeconds: 90 }).visibilityTimeoutSeconds).toBe(540);
  });

  it('derives maxReceiveCount from maxAttempts plus releases, so SQS never dead-letters a task with attempts left', () => {
    const pool = resolvePool({ name: 'p', capabilities: [], maxAttempts: 40, maxReleases: 10 });
    expect(pool.maxReceiveCount).toBe(50);
    expect(pool.maxReceiveCount).toBeGreaterThan(pool.maxAttempts);
  });

  it('weights concurrency by priority by default', () => {
    expect(resolvePool({ name: 'p', capabilities: [] }).concurrency).toEqual({ critical: 8, high: 4, normal: 2, low: 2 });
    expect(resolvePool({ name: 'p', capabilities: [], concurrency: { low: 5 } }).concurrency.low).toBe(5);
  });

  it('refuses settings Lambda would refuse', () => {
    expect(() => resolvePool({ name: 'p', capabilities: [], concurrency: { low: 1 } })).toThrow('concurrency.low');
    expect(() => resolvePool({ name: 'p', capabilities: [], batchSize: 50 })).toThrow('batchSize');
    expect(resolvePool({ name: 'p', capabilities: [], batchSize: 50, batchingWindowSeconds: 5 }).batchSize).toBe(50);
  });

  it('refuses a bad or repeated pool name', () => {
    expect(() => resolvePool({ name: 'Bad Name', capabilities: [] })).toThrow('pool name');
    expect(() => buildTopology([{ name: 'a', capabilities: [] }, { name: 'a', capabilities: [] }])).toThrow('declared twice');
  });
});

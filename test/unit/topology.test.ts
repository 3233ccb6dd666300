import { describe, expect, it } from 'vitest';
import { PRIORITIES } from '../../shared/domain/priority.js';
import { buildTopology, resolvePool, TOPOLOGY } from '../../shared/topology/topology.js';

describe('topology', () => {
  it('has one queue per pool × priority', () => {
    expect(TOPOLOGY.queues).toHaveLength(TOPOLOGY.pools.length * PRIORITIES.length);
    expect(TOPOLOGY.queues.map((q) => q.key)).toContain('general:critical');
    expect(TOPOLOGY.queues.map((q) => q.dlqName)).toContain('gpu-low-dlq');
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

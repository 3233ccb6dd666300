import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmfEventMetrics, METRIC, METRICS_NAMESPACE } from '../../shared/adapters/metrics/emf-event-metrics.js';
import { BACKLOG_METRICS_SERVICE, EmfBacklogMetrics } from '../../shared/adapters/metrics/emf-backlog-metrics.js';
import type { TaskfleetEvent } from '../../shared/domain/events.js';

const event = (type: TaskfleetEvent['type'], over: Partial<NonNullable<TaskfleetEvent['task']>> = {}): TaskfleetEvent => ({
  id: `e-${type}`,
  type,
  tenant: 'acme',
  at: '2026-01-01T00:00:00.000Z',
  task: { id: 't1', type: 'echo', pool: 'general', priority: 'high', status: 'X', attempts: 2, maxAttempts: 3, ...over },
});

describe('EmfEventMetrics', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes one EMF document per pool × priority with queue time, run time, attempts and outcomes', () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    new EmfEventMetrics().record(
      [event('task.started', { queueTimeMs: 120 }), event('task.completed', { runTimeMs: 900 }), event('task.started', { priority: 'low', queueTimeMs: 5 })],
      [{ pool: 'gpu', to: 'OPEN' }],
    );
    const docs = lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('_aws')).map((l) => JSON.parse(l));
    expect(docs).toHaveLength(3);
    const high = docs.find((d) => d.priority === 'high');
    expect(high._aws.CloudWatchMetrics[0].Namespace).toBe(METRICS_NAMESPACE);
    expect(high).toMatchObject({ pool: 'general', [METRIC.queueTime]: 120, [METRIC.runTime]: 900, [METRIC.attempts]: 2, [METRIC.completed]: 1 });
    expect(docs.find((d) => d.pool === 'gpu')).toMatchObject({ [METRIC.circuitOpened]: 1 });
  });
});

describe('EmfBacklogMetrics', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes OldestReadySeconds per agent pool × priority with the dimensions the stack’s alarms name, 0 where nothing waits', () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    new EmfBacklogMetrics().record([{ pool: 'gpu', oldestSeconds: { critical: 45, high: 0, normal: 900, low: 0 }, tenants: 2, seen: 4 }]);
    const docs = lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('_aws')).map((l) => JSON.parse(l));
    expect(docs).toHaveLength(4);
    for (const d of docs) {
      expect(d._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: METRICS_NAMESPACE, Dimensions: [expect.arrayContaining(['service', 'pool', 'priority'])] });
      expect(d).toMatchObject({ service: BACKLOG_METRICS_SERVICE, pool: 'gpu' });
    }
    expect(Object.fromEntries(docs.map((d) => [d.priority, d[METRIC.oldestReady]]))).toEqual({ critical: 45, high: 0, normal: 900, low: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { minuteDeltas, recentFigures, seriesOf, type AggregatedTask, type MinuteAggregate } from '../../shared/domain/minute-aggregates.js';
import { bucketOf, bucketValue, histogramOf, histogramPercentiles, mergeHistograms } from '../../shared/domain/queue-time-histogram.js';
import { percentiles } from '../../shared/domain/stats.js';
import { MemoryMinuteAggregates } from '../../shared/adapters/memory/memory-minute-aggregates.js';

const task = (over: Partial<AggregatedTask>): AggregatedTask => ({
  tenant: 'acme',
  status: 'PENDING',
  priority: 'normal',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('the queue-time histogram', () => {
  it('reads percentiles back within a few per cent of the exact ones', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 5 + i * i * 0.37);
    const exact = percentiles(values);
    const sketched = histogramPercentiles(histogramOf(values));
    for (const p of ['p50', 'p95', 'p99'] as const) expect(Math.abs((sketched?.[p] ?? 0) - (exact?.[p] ?? 0)) / (exact?.[p] ?? 1)).toBeLessThan(0.03);
  });

  it('merges by adding counts: two halves read as the whole', () => {
    const a = histogramOf([10, 20, 30]);
    const b = histogramOf([40, 5000]);
    expect(histogramPercentiles(mergeHistograms([a, b]))).toEqual(histogramPercentiles(histogramOf([10, 20, 30, 40, 5000])));
  });

  it('puts zero, sub-millisecond and negative (skewed clock) times in bucket 0, and reads nothing from an empty one', () => {
    expect([0, 0.4, -20].map(bucketOf)).toEqual([0, 0, 0]);
    expect(bucketValue(0)).toBe(1);
    expect(histogramPercentiles({})).toBeUndefined();
  });
});

describe('minuteDeltas', () => {
  it('counts completions, failures, retries and the queue time of a start, in the minute of each write', () => {
    const deltas = minuteDeltas(
      [
        { after: task({}) },
        { before: task({}), after: task({ status: 'ACTIVE', startedAt: '2026-01-01T00:00:02.000Z', updatedAt: '2026-01-01T00:00:02.000Z' }) },
        { before: task({ status: 'ACTIVE' }), after: task({ status: 'COMPLETED', updatedAt: '2026-01-01T00:01:05.000Z' }) },
        { before: task({ status: 'ACTIVE' }), after: task({ status: 'FAILED', priority: 'high', updatedAt: '2026-01-01T00:01:10.000Z' }) },
        { before: task({ status: 'ACTIVE' }), after: task({ status: 'PENDING', updatedAt: '2026-01-01T00:01:20.000Z' }) },
      ],
      new Date('2026-01-01T00:02:00Z'),
    );
    const minutes = deltas.get('acme');
    const first = minutes?.get('2026-01-01T00:00');
    expect(first?.waiting).toEqual({ normal: 0 });
    expect(histogramPercentiles(first?.queueTime.normal ?? {})?.p50).toBeCloseTo(2000, -2);
    expect(minutes?.get('2026-01-01T00:01')).toMatchObject({ completed: 1, failed: 1, retried: 1, waiting: { normal: 1 } });
  });

  it('measures a retry from when it became available again, not from its creation', () => {
    const before = task({ availableAt: '2026-01-01T00:10:00.000Z' });
    const after = task({ status: 'ACTIVE', startedAt: '2026-01-01T00:10:01.000Z', updatedAt: '2026-01-01T00:10:01.000Z' });
    const h = minuteDeltas([{ before, after }], new Date()).get('acme')?.get('2026-01-01T00:10')?.queueTime.normal ?? {};
    expect(histogramPercentiles(h)?.p50).toBeCloseTo(1000, -2);
  });

  it('counts deadlines met at the start and missed on expiry; a write that keeps its status counts nothing', () => {
    const deadline = '2026-01-01T00:00:05.000Z';
    const deltas = minuteDeltas(
      [
        { before: task({ deadline }), after: task({ deadline, status: 'ACTIVE', startedAt: '2026-01-01T00:00:01.000Z' }) },
        { before: task({ deadline }), after: task({ deadline, status: 'EXPIRED' }) },
        { before: task({ status: 'ACTIVE' }), after: task({ status: 'ACTIVE' }) },
      ],
      new Date(),
    );
    expect(deltas.get('acme')?.get('2026-01-01T00:00')).toMatchObject({ deadlinesMet: 1, deadlinesMissed: 1, completed: 0 });
  });
});

describe('recentFigures and seriesOf', () => {
  const now = new Date('2026-01-01T01:00:30Z');
  const minute = (m: string, over: Partial<MinuteAggregate>): MinuteAggregate => ({ minute: m, completed: 0, failed: 0, retried: 0, deadlinesMet: 0, deadlinesMissed: 0, queueTime: {}, waiting: {}, ...over });
  const minutes = [
    minute('2026-01-01T00:30', { completed: 50 }),
    minute('2026-01-01T00:58', { completed: 10, failed: 2, queueTime: { high: histogramOf([100, 200]) }, waiting: { low: 3 } }),
    minute('2026-01-01T00:58', { completed: 5, queueTime: { high: histogramOf([300]) } }),
    minute('2026-01-01T01:00', { completed: 3, waiting: { low: -1 } }),
  ];

  it('sums the window (a minute kept in shards merges) and gives queue time per priority', () => {
    const figures = recentFigures(minutes, now, 5);
    expect(figures).toMatchObject({ completed: 18, failed: 2, windowSeconds: 270 });
    expect(Math.abs((figures.queueTimeByPriority.high?.p95 ?? 0) - 300) / 300).toBeLessThan(0.03);
    expect(figures.queueTimeByPriority.low).toBeUndefined();
  });

  it('has a point for every minute of the window, and the depth at each minute\'s end from today\'s', () => {
    const series = seriesOf(minutes, { critical: 0, high: 0, normal: 0, low: 2 }, now, 60);
    expect(series).toHaveLength(60);
    expect(series[0]?.minute).toBe('2026-01-01T00:01');
    expect(series.at(-1)).toMatchObject({ minute: '2026-01-01T01:00', completed: 3, depth: { low: 2 } });
    const at = (m: string) => series.find((p) => p.minute === m);
    expect(at('2026-01-01T00:59')?.depth.low).toBe(3);
    expect(at('2026-01-01T00:57')?.depth.low).toBe(0);
    expect(at('2026-01-01T00:58')?.queueTimeMs.high?.count).toBe(3);
  });
});

describe('MemoryMinuteAggregates', () => {
  it('reads back the minutes it was given from `since` on, and the depth summed over all of them', async () => {
    const store = new MemoryMinuteAggregates();
    await store.add(minuteDeltas([{ after: task({ updatedAt: '2026-01-01T00:00:00.000Z' }) }, { after: task({ updatedAt: '2026-01-01T00:05:00.000Z' }) }], new Date()));
    const read = await store.read('acme', new Date('2026-01-01T00:04:00Z'));
    expect(read.minutes.map((m) => m.minute)).toEqual(['2026-01-01T00:05']);
    expect(read.waiting.normal).toBe(2);
  });
});

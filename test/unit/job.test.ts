import { describe, expect, it } from 'vitest';
import { allowedFailures, childId, fanInDecision, jobProgress, mapChildJobId, parseJobInput, reduceTaskId, shardOf, sumShards } from '../../shared/domain/job.js';
import { nextStageId } from '../../shared/domain/follow-ups.js';
import { LIMITS } from '../../shared/domain/limits.js';

const job = (total: number, maxFailedFraction = 0, reduce = true) => ({
  total,
  failurePolicy: { maxFailedFraction },
  ...(reduce ? { reduce: { type: 'merge' } } : {}),
});

describe('parseJobInput', () => {
  it('applies defaults', () => {
    expect(parseJobInput({ map: { type: 'count-words', items: [{ text: 'a' }] }, reduce: { type: 'merge-counts' } })).toEqual({
      ok: true,
      value: {
        map: { type: 'count-words', items: [{ text: 'a' }] },
        reduce: { type: 'merge-counts' },
        priority: 'normal',
        requires: [],
        failurePolicy: { maxFailedFraction: 0 },
        itemBytes: [12],
      },
    });
  });

  it('names each wrong field, and each oversized item', () => {
    const bad = parseJobInput({ map: { type: 'x', items: [] }, priority: 'urgent', failurePolicy: { maxFailedFraction: 2 } });
    expect(bad.ok ? [] : bad.fields.map((f) => f.field).sort()).toEqual(['failurePolicy.maxFailedFraction', 'map.items', 'priority']);
    const big = parseJobInput({ map: { type: 'x', items: [1, 'y'.repeat(LIMITS.jobItemBytes)] } });
    expect(big.ok ? [] : big.fields.map((f) => f.field)).toEqual(['map.items.1']);
  });
});

describe('fan-in', () => {
  it('spreads children over shards and sums them back', () => {
    expect([0, 1, 15, 16, 33].map((i) => shardOf(i))).toEqual([0, 1, 15, 0, 1]);
    expect(sumShards([{ completed: 2 }, { completed: 1, failed: 1 }, {}])).toEqual({ completed: 3, failed: 1, cancelled: 0 });
  });

  it('waits until every child is finished, then reduces once the counts say so', () => {
    expect(fanInDecision(job(3), { completed: 2, failed: 0, cancelled: 0 })).toBe('wait');
    expect(fanInDecision(job(3), { completed: 3, failed: 0, cancelled: 0 })).toBe('reduce');
    expect(fanInDecision(job(3, 0, false), { completed: 3, failed: 0, cancelled: 0 })).toBe('complete');
  });

  it('fails as soon as failures pass the tolerance, and reduces over successes within it', () => {
    expect(allowedFailures(10, { maxFailedFraction: 0.2 })).toBe(2);
    expect(allowedFailures(10, { maxFailedFraction: 0.3 })).toBe(3);
    expect(fanInDecision(job(10), { completed: 1, failed: 1, cancelled: 0 })).toBe('fail');
    expect(fanInDecision(job(10, 0.2), { completed: 8, failed: 2, cancelled: 0 })).toBe('reduce');
    expect(fanInDecision(job(10, 0.2), { completed: 2, failed: 3, cancelled: 0 })).toBe('fail');
  });

  it('reports progress as finished over total', () => {
    expect(jobProgress(4, { completed: 1, failed: 1, cancelled: 0 })).toBe(0.5);
  });
});

describe('mapChildJobId', () => {
  it("names a map child's job, and nothing for a stage, a job message or a user's id", () => {
    expect(mapChildJobId(childId('job-1', 0))).toBe('job-1');
    expect(mapChildJobId(childId('job-1', 99_999))).toBe('job-1');
    expect(mapChildJobId(reduceTaskId('job-1'))).toBeUndefined();
    expect(mapChildJobId(nextStageId(childId('job-1', 3)))).toBeUndefined();
    expect(mapChildJobId('job-1~expand')).toBeUndefined();
    expect(mapChildJobId('uni-1')).toBeUndefined();
  });
});

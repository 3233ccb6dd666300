import { describe, expect, it } from 'vitest';
import { deadlineCompliance, priorityInversions, type DispatchSample } from '../../shared/domain/dispatch-quality.js';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number): string => new Date(t0 + s * 1000).toISOString();
const task = (id: string, over: Partial<DispatchSample>): DispatchSample => ({ id, pool: 'gpu', type: 'train', priority: 'normal', status: 'COMPLETED', createdAt: at(0), ...over });

describe('deadline compliance', () => {
  it('counts tasks that started by their deadline among those started or expired', () => {
    const figures = deadlineCompliance([
      task('a', { deadline: at(60), startedAt: at(30) }),
      task('b', { deadline: at(60), startedAt: at(90) }),
      task('c', { deadline: at(60), status: 'EXPIRED' }),
      task('d', { deadline: at(60), status: 'PENDING' }),
      task('e', { startedAt: at(5) }),
    ]);
    expect(figures).toEqual({ decided: 3, met: 1, share: 0.333 });
  });

  it('is 1 with nothing decided', () => {
    expect(deadlineCompliance([task('a', {})]).share).toBe(1);
  });
});

describe('priority inversions', () => {
  it('counts a start ahead of a waiting higher priority of the same pool and type', () => {
    const tasks = [task('high', { priority: 'high', createdAt: at(0), startedAt: at(20) }), task('low', { priority: 'low', createdAt: at(1), startedAt: at(10) })];
    expect(priorityInversions(tasks)).toBe(1);
  });

  it('ignores other types, later arrivals and a lower task that aged past its max wait', () => {
    expect(priorityInversions([task('high', { priority: 'high', type: 'other', startedAt: at(20) }), task('low', { priority: 'low', startedAt: at(10) })])).toBe(0);
    expect(priorityInversions([task('high', { priority: 'high', createdAt: at(15), startedAt: at(20) }), task('low', { priority: 'low', startedAt: at(10) })])).toBe(0);
    // normal ages to high after 120 s: then it ranks with the waiting high task, not below it.
    expect(priorityInversions([task('high', { priority: 'high', createdAt: at(100), startedAt: at(200) }), task('normal', { createdAt: at(0), startedAt: at(150) })])).toBe(0);
  });

  it('counts a start while a better task is still pending', () => {
    expect(priorityInversions([task('high', { priority: 'high', status: 'PENDING' }), task('low', { priority: 'low', createdAt: at(1), startedAt: at(10) })])).toBe(1);
  });
});

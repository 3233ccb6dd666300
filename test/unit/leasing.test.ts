import { describe, expect, it } from 'vitest';
import { freeCapacity } from '../../shared/domain/leasing.js';
import { fits, take } from '../../shared/domain/scheduling/fit.js';

const now = new Date('2026-01-01T01:00:00Z');
const ago = (seconds: number): string => new Date(now.getTime() - seconds * 1000).toISOString();

describe('capacity', () => {
  it('takes every held lease out of slots and resources, one past its check too (its task may still run)', () => {
    const free = freeCapacity({ slots: 3, gpu: 2, memoryMb: 8192 }, [
      { taskId: 'a', resources: { gpu: 1, memoryMb: 4096 }, checkAt: ago(-60) },
      { taskId: 'b', resources: { gpu: 1 }, checkAt: ago(5) },
    ]);
    expect(free).toEqual({ slots: 1, cpu: 0, gpu: 0, memoryMb: 4096 });
  });

  it('fits a task only into a free slot with its resources free', () => {
    const free = { slots: 1, cpu: 2, gpu: 1, memoryMb: 1024 };
    expect(fits(undefined, free)).toBe(true);
    expect(fits({ gpu: 1, cpu: 2 }, free)).toBe(true);
    expect(fits({ gpu: 2 }, free)).toBe(false);
    expect(fits({ memoryMb: 2048 }, free)).toBe(false);
    expect(fits(undefined, take(free, undefined))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { canRun, effectiveRank, fits, freeCapacity, leasablePools, leaseOrder, take } from '../../shared/domain/leasing.js';

const now = new Date('2026-01-01T01:00:00Z');
const ago = (seconds: number): string => new Date(now.getTime() - seconds * 1000).toISOString();

describe('capacity', () => {
  it('takes live leases out of slots and resources, and ignores lapsed ones', () => {
    const free = freeCapacity(
      { slots: 3, gpu: 2, memoryMb: 8192 },
      [
        { taskId: 'a', resources: { gpu: 1, memoryMb: 4096 }, expiresAt: ago(-60) },
        { taskId: 'b', resources: { gpu: 1 }, expiresAt: ago(5) },
      ],
      now,
    );
    expect(free).toEqual({ slots: 2, cpu: 0, gpu: 1, memoryMb: 4096 });
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

describe('who may run what', () => {
  const pools = [
    { name: 'general', capabilities: ['shell', 'node'] },
    { name: 'gpu', capabilities: ['gpu', 'cuda'] },
    { name: 'database', capabilities: ['database'] },
  ];

  it('polls only pools sharing a capability with the agent', () => {
    expect(leasablePools(pools, ['database']).map((p) => p.name)).toEqual(['database']);
    expect(leasablePools(pools, ['gpu']).map((p) => p.name)).toEqual(['gpu']);
    expect(leasablePools(pools, ['shell', 'gpu']).map((p) => p.name)).toEqual(['general', 'gpu']);
  });

  it('runs a task only with every capability it requires', () => {
    expect(canRun(['gpu'], ['gpu'])).toBe(true);
    expect(canRun(['database'], ['gpu'])).toBe(false);
    expect(canRun(['gpu'], ['gpu', 'cuda'])).toBe(false);
    expect(canRun(['shell'], [])).toBe(true);
  });
});

describe('lease order', () => {
  it('serves strictly by priority, oldest first within one', () => {
    const order = leaseOrder(
      [
        { id: 'low-old', priority: 'low', since: ago(100) },
        { id: 'crit', priority: 'critical', since: ago(1) },
        { id: 'normal-new', priority: 'normal', since: ago(2) },
        { id: 'normal-old', priority: 'normal', since: ago(50) },
      ] as const,
      now,
    );
    expect(order.map((w) => w.id)).toEqual(['crit', 'normal-old', 'normal-new', 'low-old']);
  });

  it('ages a task past its max wait up one level, so low work is never starved', () => {
    expect(effectiveRank('low', 299)).toBe(3);
    expect(effectiveRank('low', 301)).toBe(2);
    expect(effectiveRank('critical', 1e9)).toBe(0);
    const order = leaseOrder(
      [
        { id: 'normal', priority: 'normal', since: ago(10) },
        { id: 'starving-low', priority: 'low', since: ago(400) },
      ] as const,
      now,
    );
    expect(order.map((w) => w.id)).toEqual(['starving-low', 'normal']);
  });
});

import { describe, expect, it } from 'vitest';
import { percentiles, coefficientOfVariation, fleetLoad } from '../../shared/domain/stats.js';

describe('percentiles', () => {
  it('uses nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentiles(values)).toEqual({ p50: 50, p95: 95, p99: 99 });
    expect(percentiles([7])).toEqual({ p50: 7, p95: 7, p99: 7 });
    expect(percentiles([])).toBeUndefined();
  });
});

describe('fleetLoad', () => {
  it('gives each agent its utilisation, the fleet its own, and how evenly it is spread', () => {
    const held = { checkAt: '2026-01-01T00:01:00Z' };
    const load = fleetLoad([
      { id: 'a', capacity: { slots: 2 }, leases: { t1: held, t2: held } },
      { id: 'b', capacity: { slots: 2 }, leases: { t3: held } },
    ]);
    expect(load.agents.map((a) => [a.id, a.running, a.utilisation])).toEqual([['a', 2, 1], ['b', 1, 0.5]]);
    expect(load.utilisation).toBe(0.75);
    expect(load.utilisationCv).toBeCloseTo(1 / 3, 2);
    expect(coefficientOfVariation([5, 5, 5])).toBe(0);
  });
});

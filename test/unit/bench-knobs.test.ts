import { describe, expect, it } from 'vitest';
import { knobsTimes } from '../../bench/agents/knobs.js';
import { DEFAULT_SCHEDULING_CONFIG } from '../../shared/domain/scheduling/config.js';

describe('live bench: the pool knobs on the workload clock', () => {
  it('multiplies every time knob, and only those', () => {
    const scaled = knobsTimes(DEFAULT_SCHEDULING_CONFIG, 0.05);
    expect(scaled.maxWaitSeconds.critical).toBe(Infinity);
    expect(scaled.maxWaitSeconds.high).toBeCloseTo(3);
    expect(scaled.maxWaitSeconds.normal).toBeCloseTo(6);
    expect(scaled.maxWaitSeconds.low).toBeCloseTo(15);
    expect(scaled.deadlineHorizonSeconds).toBeCloseTo(15);
    expect(scaled.holdbackSeconds).toBeCloseTo(0.5);
    expect({ ...scaled, maxWaitSeconds: undefined, deadlineHorizonSeconds: undefined, holdbackSeconds: undefined }).toEqual({
      ...DEFAULT_SCHEDULING_CONFIG,
      maxWaitSeconds: undefined,
      deadlineHorizonSeconds: undefined,
      holdbackSeconds: undefined,
    });
  });

  it('round-trips: knobs the server ran in real seconds read back on the workload clock', () => {
    const back = knobsTimes(knobsTimes(DEFAULT_SCHEDULING_CONFIG, 0.05), 1 / 0.05);
    expect(back.maxWaitSeconds.normal).toBeCloseTo(DEFAULT_SCHEDULING_CONFIG.maxWaitSeconds.normal);
    expect(back.deadlineHorizonSeconds).toBeCloseTo(DEFAULT_SCHEDULING_CONFIG.deadlineHorizonSeconds);
  });
});

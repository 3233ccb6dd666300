import { describe, expect, it } from 'vitest';
import { retryDelaySeconds } from '../../shared/domain/backoff.js';

const policy = { baseSeconds: 2, capSeconds: 60 };

describe('retryDelaySeconds (full jitter)', () => {
  it('is 0 at the bottom of the jitter range', () => {
    expect(retryDelaySeconds(5, policy, 0)).toBe(0);
  });

  it('doubles its ceiling per attempt', () => {
    expect(retryDelaySeconds(1, policy, 0.999)).toBe(2);
    expect(retryDelaySeconds(2, policy, 0.999)).toBe(4);
    expect(retryDelaySeconds(3, policy, 0.999)).toBe(8);
  });

  it('never exceeds the cap', () => {
    expect(retryDelaySeconds(30, policy, 0.999)).toBe(60);
  });
});

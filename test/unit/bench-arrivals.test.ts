import { describe, expect, it } from 'vitest';
import { dueUntil } from '../../bench/agents/arrivals.js';

const at = (...seconds: number[]) => seconds.map((arrival) => ({ arrival }));

describe('live bench submitter: what is due goes in one request', () => {
  it('takes every task due by now, and always the next one', () => {
    expect(dueUntil(at(0, 0, 0, 5, 9), 0, 0, 500)).toBe(3);
    expect(dueUntil(at(0, 0, 0, 5, 9), 3, 4, 500)).toBe(4);
    expect(dueUntil(at(0, 0, 0, 5, 9), 3, 9.5, 500)).toBe(5);
  });

  it('stops at the batch limit and at the end', () => {
    expect(dueUntil(at(0, 0, 0, 0), 0, 1, 3)).toBe(3);
    expect(dueUntil(at(0, 0, 0, 0), 3, 1, 3)).toBe(4);
    expect(dueUntil(at(0), 0, 100, 500)).toBe(1);
  });
});

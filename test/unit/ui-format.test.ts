import { describe, expect, it } from 'vitest';
import { attemptsOf, storyComplete } from '../../ui/src/attempts.js';
import { duration } from '../../ui/src/format.js';

describe("the dashboard's durations", () => {
  it('never print 60 of a unit: rounding happens before the split', () => {
    expect(duration(539_600)).toBe('9 m 0 s');
    expect(duration(59_700)).toBe('1 m 0 s');
    expect(duration(3_599_700)).toBe('1 h 0 m');
    expect(duration(86_399_000)).toBe('1 d 0 h');
    expect(duration(9_960)).toBe('10.0 s');
    expect(duration(125_000)).toBe('2 m 5 s');
    expect(duration(undefined)).toBe('—');
  });
});

describe("a task's attempts from its events", () => {
  it('pairs each start with the event that ended it, keeping each error', () => {
    const task = (attempts: number, extra = {}) => ({ id: 't1', attempts, ...extra });
    const attempts = attemptsOf([
      { id: 'e0', type: 'task.created', at: '2026-01-01T00:00:00Z', task: task(0) },
      { id: 'e1', type: 'task.started', at: '2026-01-01T00:00:01Z', task: task(1, { queueTimeMs: 1000, worker: 'gpu-box-1' }) },
      { id: 'e2', type: 'task.retrying', at: '2026-01-01T00:00:02Z', task: task(1, { runTimeMs: 900, error: { message: 'first' } }) },
      { id: 'e3', type: 'task.started', at: '2026-01-01T00:00:03Z', task: task(2, { worker: 'gpu-box-2' }) },
      { id: 'e4', type: 'task.failed', at: '2026-01-01T00:00:04Z', task: task(2, { error: { message: 'second', stack: 'at x' } }) },
      { id: 'e5', type: 'task.dead_lettered', at: '2026-01-01T00:00:04Z', task: task(2, { error: { message: 'second' } }) },
    ]);
    expect(attempts.map((a) => [a.n, a.outcome, a.error?.message])).toEqual([
      [1, 'retrying', 'first'],
      [2, 'failed, dead-lettered', 'second'],
    ]);
    expect(attempts[0]?.queueTimeMs).toBe(1000);
    // Each attempt names where it ran: a retry may land on another agent.
    expect(attempts.map((a) => a.worker)).toEqual(['gpu-box-1', 'gpu-box-2']);
  });
});

describe("a task page's story", () => {
  const event = (type: string) => ({ id: type, type, at: '2026-12-07T00:00:00Z', task: { id: 't', attempts: 1 } });
  it('is complete once the log holds the ending event of the status the record shows', () => {
    expect(storyComplete('FAILED', [event('task.created'), event('task.started'), event('task.retrying')])).toBe(false);
    expect(storyComplete('FAILED', [event('task.started'), event('task.failed'), event('task.dead_lettered')])).toBe(true);
    expect(storyComplete('COMPLETED', [event('task.completed')])).toBe(true);
  });
  it('is never complete while the task can still change', () => {
    expect(storyComplete('ACTIVE', [event('task.started')])).toBe(false);
    expect(storyComplete('PENDING', [])).toBe(false);
  });
});

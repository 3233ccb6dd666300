import { describe, expect, it } from 'vitest';
import { followUpsOf, nextStageId } from '../../shared/domain/follow-ups.js';
import { newTask, type Task } from '../../shared/domain/task.js';

const now = new Date('2026-01-01T00:00:00Z');
const route = (requires: readonly string[]): string | undefined => (requires.includes('quantum') ? undefined : requires.includes('gpu') ? 'gpu' : 'general');

function task(overrides: Partial<Task>): Task {
  return {
    ...newTask(
      { type: 'a', payload: 1, priority: 'high', requires: [], maxAttempts: 2, timeoutSeconds: 30, delaySeconds: 0 },
      { id: 't', tenant: 'acme', pool: 'general', now },
    ),
    ...overrides,
  };
}

describe('followUpsOf', () => {
  it('has none before a task finishes', () => {
    expect(followUpsOf(task({ status: 'ACTIVE', job: { id: 'j', role: 'map', index: 3 } }), route, now)).toEqual({});
  });

  it('counts a finished job child into its shard, whatever the outcome', () => {
    expect(followUpsOf(task({ status: 'COMPLETED', job: { id: 'j', role: 'map', index: 17 } }), route, now)).toEqual({
      count: { jobId: 'j', shard: 1, outcome: 'completed' },
    });
    expect(followUpsOf(task({ status: 'FAILED', job: { id: 'j', role: 'map', index: 0 } }), route, now).count?.outcome).toBe('failed');
    expect(followUpsOf(task({ status: 'EXPIRED', job: { id: 'j', role: 'map', index: 0 } }), route, now).count?.outcome).toBe('cancelled');
    expect(followUpsOf(task({ status: 'COMPLETED', job: { id: 'j', role: 'reduce' } }), route, now).count).toBeUndefined();
  });

  it('creates the next stage of a completed task with its result as payload', () => {
    const { next } = followUpsOf(task({ status: 'COMPLETED', result: { n: 2 }, then: { type: 'b', requires: ['gpu'] } }), route, now);
    expect(next).toMatchObject({ id: nextStageId('t'), type: 'b', payload: { n: 2 }, pool: 'gpu', priority: 'high', status: 'PENDING', attempts: 0 });
  });

  it('creates no next stage for a task that did not complete', () => {
    expect(followUpsOf(task({ status: 'FAILED', then: { type: 'b' } }), route, now)).toEqual({});
  });
});

import { describe, expect, it } from 'vitest';
import { nextStage, nextStageId } from '../../shared/domain/follow-ups.js';
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

describe('nextStage', () => {
  it('is the next stage of a completed task, with its result as payload', () => {
    const next = nextStage(task({ status: 'COMPLETED', result: { n: 2 }, then: { type: 'b', requires: ['gpu'] } }), route, now);
    expect(next).toMatchObject({ id: nextStageId('t'), type: 'b', payload: { n: 2 }, pool: 'gpu', priority: 'high', status: 'PENDING', attempts: 0 });
  });

  it('carries a large result by reference', () => {
    const next = nextStage(task({ status: 'COMPLETED', result: null, resultRef: { key: 'k', bytes: 9000 }, then: { type: 'b' } }), route, now);
    expect(next).toMatchObject({ payload: null, payloadRef: { key: 'k', bytes: 9000 } });
  });

  it('has an id no user can choose', () => {
    expect(nextStageId('t')).toBe('t~then');
  });

  it('is none when no pool can run it', () => {
    expect(nextStage(task({ status: 'COMPLETED', then: { type: 'b', requires: ['quantum'] } }), route, now)).toBeUndefined();
  });
});

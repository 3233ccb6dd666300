import { describe, expect, it } from 'vitest';
import { InvalidTransitionError, isPastDeadline, transition, type TaskEvent } from '../../shared/domain/state-machine.js';
import { newTask, type Task } from '../../shared/domain/task.js';
import { TASK_STATUSES, type TaskStatus } from '../../shared/domain/task-status.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T00:01:00Z');

function task(overrides: Partial<Task> = {}): Task {
  const base = newTask(
    { type: 'echo', payload: null, priority: 'normal', requires: [], maxAttempts: 2, timeoutSeconds: 30, delaySeconds: 0 },
    { id: 't1', tenant: 'acme', pool: 'general', now: t0 },
  );
  return { ...base, ...overrides };
}

const error = { message: 'boom' };

describe('transition', () => {
  it('starts a PENDING task: ACTIVE, one more attempt, the worker recorded', () => {
    const started = transition(task(), { type: 'start', worker: 'w1', leaseExpiresAt: t1.toISOString() }, t1);
    expect(started).toMatchObject({ status: 'ACTIVE', attempts: 1, worker: 'w1', startedAt: t1.toISOString() });
  });

  it('completes an ACTIVE task with its result', () => {
    const done = transition(task({ status: 'ACTIVE', attempts: 1 }), { type: 'complete', result: { ok: true } }, t1);
    expect(done).toMatchObject({ status: 'COMPLETED', result: { ok: true }, finishedAt: t1.toISOString() });
  });

  it('sends a failed attempt back to PENDING while attempts remain', () => {
    const retried = transition(task({ status: 'ACTIVE', attempts: 1 }), { type: 'fail', error }, t1);
    expect(retried).toMatchObject({ status: 'PENDING', error });
  });

  it('fails for good when attempts are exhausted', () => {
    const failed = transition(task({ status: 'ACTIVE', attempts: 2 }), { type: 'fail', error }, t1);
    expect(failed).toMatchObject({ status: 'FAILED', error, finishedAt: t1.toISOString() });
  });

  it('fails for good on a non-retryable error', () => {
    const failed = transition(task({ status: 'ACTIVE', attempts: 1 }), { type: 'fail', error: { ...error, retryable: false } }, t1);
    expect(failed.status).toBe('FAILED');
  });

  it('cancels PENDING and ACTIVE tasks', () => {
    expect(transition(task(), { type: 'cancel' }, t1).status).toBe('CANCELLED');
    expect(transition(task({ status: 'ACTIVE' }), { type: 'cancel' }, t1).status).toBe('CANCELLED');
  });

  it('expires only a PENDING task', () => {
    expect(transition(task(), { type: 'expire' }, t1).status).toBe('EXPIRED');
    expect(() => transition(task({ status: 'ACTIVE' }), { type: 'expire' }, t1)).toThrow(InvalidTransitionError);
  });

  it('records progress on an ACTIVE task without changing its status', () => {
    const moved = transition(task({ status: 'ACTIVE' }), { type: 'progress', progress: { fraction: 0.5 } }, t1);
    expect(moved).toMatchObject({ status: 'ACTIVE', progress: { fraction: 0.5 } });
  });

  const terminal: TaskStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED'];
  const events: TaskEvent[] = [
    { type: 'start', worker: 'w', leaseExpiresAt: t1.toISOString() },
    { type: 'progress', progress: { fraction: 1 } },
    { type: 'complete', result: null },
    { type: 'fail', error },
    { type: 'cancel' },
    { type: 'expire' },
  ];
  it.each(terminal)('never moves a %s task again', (status) => {
    for (const event of events) {
      expect(() => transition(task({ status }), event, t1)).toThrow(InvalidTransitionError);
    }
  });

  it('cannot start an ACTIVE task twice (a duplicate delivery)', () => {
    expect(() => transition(task({ status: 'ACTIVE' }), { type: 'start', worker: 'w2', leaseExpiresAt: t1.toISOString() }, t1)).toThrow(
      'cannot start a task that is ACTIVE',
    );
  });

  it('knows every status', () => {
    expect(TASK_STATUSES).toEqual(['PENDING', 'ACTIVE', 'COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED']);
  });
});

describe('isPastDeadline', () => {
  it('is true once the deadline is reached, false without one', () => {
    expect(isPastDeadline({ deadline: t1.toISOString() }, t0)).toBe(false);
    expect(isPastDeadline({ deadline: t1.toISOString() }, t1)).toBe(true);
    expect(isPastDeadline({}, t1)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { DISPATCH_DEFAULTS, withDispatch } from '../../shared/domain/dispatch.js';
import { transition } from '../../shared/domain/state-machine.js';
import { newTask, type Task } from '../../shared/domain/task.js';

const now = new Date('2026-01-01T00:00:00Z');
const later = (seconds: number): Date => new Date(now.getTime() + seconds * 1000);

function pending(overrides: Partial<Task> = {}): Task {
  return {
    ...newTask({ type: 'a', payload: 1, priority: 'normal', requires: [], maxAttempts: 2, timeoutSeconds: 30, delaySeconds: 0 }, { id: 't', tenant: 'acme', pool: 'gpu', now }),
    ...overrides,
  };
}

describe('withDispatch', () => {
  it('puts a new agent-pool task in its ready set, with a deadline timer when it has one', () => {
    const task = withDispatch(undefined, pending({ deadline: later(600).toISOString() }), { runsOn: 'agents', now });
    expect(task.ready).toMatchObject({ since: now.toISOString() });
    expect(task.ready?.shard).toBeLessThan(DISPATCH_DEFAULTS.readyShards);
    expect(task.due).toEqual({ kind: 'deadline', at: later(600).toISOString() });
  });

  it("places a task by its pool's own aging and deadline horizon, not only the defaults", () => {
    const low = pending({ priority: 'low' });
    const byDefault = withDispatch(undefined, low, { runsOn: 'agents', now }).ready?.key as string;
    // A pool that ages faster puts `low` work nearer the top of its ready set.
    const fastAging = { maxWaitSeconds: { critical: 1, high: 1, normal: 1, low: 1 } };
    const aged = withDispatch(undefined, low, { runsOn: 'agents', now, scheduling: fastAging }).ready?.key as string;
    expect(aged < byDefault).toBe(true);
    // A wider deadline horizon surfaces a task with a deadline earlier.
    const due = pending({ deadline: later(600).toISOString() });
    const narrow = withDispatch(undefined, due, { runsOn: 'agents', now, scheduling: { deadlineHorizonSeconds: 60 } }).ready?.key as string;
    const wide = withDispatch(undefined, due, { runsOn: 'agents', now, scheduling: { deadlineHorizonSeconds: 1800 } }).ready?.key as string;
    expect(wide < narrow).toBe(true);
  });

  it('takes a started task out of the ready set, with no timer (watched through its agent record), and drops the lease when it ends', () => {
    const ready = withDispatch(undefined, pending(), { runsOn: 'agents', now });
    const started = transition(ready, { type: 'start', worker: 'a1', leaseExpiresAt: later(60).toISOString(), lease: { token: 'x' } }, now);
    const active = withDispatch(ready, started, { runsOn: 'agents', now });
    expect(active.ready).toBeUndefined();
    expect(active.due).toBeUndefined();
    const done = withDispatch(active, transition(active, { type: 'complete', result: 1 }, later(5)), { runsOn: 'agents', now: later(5) });
    expect(done).toMatchObject({ status: 'COMPLETED', worker: 'a1' });
    expect(done).not.toHaveProperty('lease');
    expect(done).not.toHaveProperty('leaseExpiresAt');
  });

  it('sets no timer on a heartbeat (no index write per heartbeat)', () => {
    const ready = withDispatch(undefined, pending(), { runsOn: 'agents', now });
    const active = withDispatch(ready, transition(ready, { type: 'start', worker: 'a1', leaseExpiresAt: later(60).toISOString(), lease: { token: 'x' } }, now), { runsOn: 'agents', now });
    const extended = withDispatch(active, transition(active, { type: 'extend', leaseExpiresAt: later(120).toISOString() }, later(30)), { runsOn: 'agents', now: later(30) });
    expect(extended.due).toBeUndefined();
  });

  it('places a retried agent-pool task in the ready set from the end of its backoff', () => {
    const ready = withDispatch(undefined, pending(), { runsOn: 'agents', now });
    const active = withDispatch(ready, transition(ready, { type: 'start', worker: 'a1', leaseExpiresAt: later(60).toISOString(), lease: { token: 'x' } }, now), { runsOn: 'agents', now });
    const retried = withDispatch(active, transition(active, { type: 'fail', error: { message: 'x' }, retryAt: later(8).toISOString() }, now), { runsOn: 'agents', now });
    expect(retried.status).toBe('PENDING');
    expect(retried.ready?.since).toBe(later(8).toISOString());
  });

  it('holds a Lambda-pool task delayed past 15 minutes with a delay timer', () => {
    const task = withDispatch(undefined, pending({ pool: 'general', availableAt: later(3600).toISOString() }), { runsOn: 'lambda', now });
    expect(task.due).toEqual({ kind: 'delay', at: later(3600 - 900).toISOString() });
    expect(withDispatch(undefined, pending({ pool: 'general', availableAt: later(600).toISOString() }), { runsOn: 'lambda', now }).due).toBeUndefined();
  });

  it('gives a finished task an expiry after the retention, and a follow timer when a next stage is due', () => {
    const active = { ...pending({ pool: 'general', then: { type: 'b' } }), status: 'ACTIVE' as const, attempts: 1 };
    const done = withDispatch(active, transition(active, { type: 'complete', result: 1 }, now), { runsOn: 'lambda', now });
    expect(done.expiresAt).toBe(Math.floor(now.getTime() / 1000) + DISPATCH_DEFAULTS.retentionSeconds);
    expect(done.due?.kind).toBe('follow');
  });
});

import { describe, expect, it } from 'vitest';
import { InProcessReadySignal } from '../../shared/adapters/memory/in-process-ready-signal.js';
import type { ReadyNote, Waiter } from '../../shared/domain/scheduling/wake.js';
import type { Woken } from '../../shared/ports/ready-signal.js';

/** Lets pending promise callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const cpu = (id: string): Waiter => ({ id, capabilities: ['shell'], capacity: { slots: 1 }, free: { slots: 1, cpu: 0, gpu: 0, memoryMb: 0 } });
const gpu = (id: string): Waiter => ({ id, capabilities: ['shell', 'gpu'], capacity: { slots: 1, gpu: 1 }, free: { slots: 1, cpu: 0, gpu: 1, memoryMb: 0 } });
const task = (id: string, fields: Partial<ReadyNote> = {}): ReadyNote => ({ id, requires: ['shell'], ...fields });

/** `waiters` waiting on pool `shell` of tenant t1; `woken()` lists who woke so far, and for what. */
function waiting(signal: InProcessReadySignal, waiters: readonly Waiter[]): { woken: () => Record<string, string | undefined> } {
  const seen: Record<string, string | undefined> = {};
  for (const w of waiters) void signal.wait('t1', ['shell'], 600_000, w).then((woken: Woken | undefined) => (seen[w.id] = woken?.task.id));
  return { woken: () => ({ ...seen }) };
}

describe('in-process ready signal', () => {
  it("wakes a waiter on a new ready task in one of its pools, or on its own agent's notify, and on nothing else", async () => {
    const signal = new InProcessReadySignal();
    let woken = 0;
    const byPool = signal.wait('t1', ['gpu'], 600_000, gpu('a1')).then(() => woken++);
    const byAgent = signal.wait('t1', ['gpu'], 600_000, gpu('a2')).then(() => woken++);
    signal.notify('t2', 'gpu', [task('x')]);
    signal.notify('t1', 'shell', [task('x')]);
    signal.notifyAgent('t1', 'a3');
    signal.notifyAgent('t2', 'a2');
    await settle();
    expect(woken).toBe(0);
    signal.notifyAgent('t1', 'a2');
    await byAgent;
    expect(woken).toBe(1);
    signal.notify('t1', 'gpu', [task('x')]);
    await byPool;
    expect(woken).toBe(2);
  });

  it('wakes one of sixteen waiters for one task, and three for three', async () => {
    const signal = new InProcessReadySignal();
    const fleet = waiting(signal, Array.from({ length: 16 }, (_, i) => cpu(`a${i}`)));
    signal.notify('t1', 'shell', [task('t1')]);
    await settle();
    expect(fleet.woken()).toEqual({ a0: 't1' });
    signal.notify('t1', 'shell', [task('t2'), task('t3'), task('t4')]);
    await settle();
    expect(fleet.woken()).toEqual({ a0: 't1', a1: 't2', a2: 't3', a3: 't4' });
  });

  it('wakes the GPU waiter for a task only it fits, not a CPU waiter', async () => {
    const signal = new InProcessReadySignal();
    const fleet = waiting(signal, [cpu('c1'), cpu('c2'), gpu('g1')]);
    signal.notify('t1', 'shell', [task('t1', { requires: ['gpu'], resources: { gpu: 1 } })]);
    await settle();
    expect(fleet.woken()).toEqual({ g1: 't1' });
  });

  it('passes a task on to a waiter that has not passed it over, without telling the listener', async () => {
    const told: string[] = [];
    const signal = new InProcessReadySignal((tenant, pool) => told.push(`${tenant}#${pool}`));
    const fleet = waiting(signal, [cpu('a1'), cpu('a2')]);
    // a0 was woken for t1 and did not take it (say, its policy chose another task); a1 waited longest.
    signal.passOn('t1', 'shell', [task('t1')], 'a0');
    await settle();
    expect(fleet.woken()).toEqual({ a1: 't1' });
    // a1 passes too, and waits again: a2, not a1, is next; then no one is left.
    const again = waiting(signal, [cpu('a1')]);
    signal.passOn('t1', 'shell', [task('t1', { passedOver: ['a0'] })], 'a1');
    await settle();
    expect(fleet.woken()).toEqual({ a1: 't1', a2: 't1' });
    signal.passOn('t1', 'shell', [task('t1', { passedOver: ['a0', 'a1'] })], 'a2');
    await settle();
    expect(again.woken()).toEqual({});
    expect(told).toEqual([]);
  });

  it('tells its listener of ready tasks only, not of an agent with more room', () => {
    const told: string[] = [];
    const signal = new InProcessReadySignal((tenant, pool) => told.push(`${tenant}#${pool}`));
    signal.notifyAgent('t1', 'a1');
    signal.notify('t1', 'gpu', [task('x')]);
    expect(told).toEqual(['t1#gpu']);
  });

  it('forgets a waiter once its wait ends, by whichever way', async () => {
    const signal = new InProcessReadySignal();
    await signal.wait('t1', ['shell', 'gpu'], 0, gpu('a1'));
    const fleet = waiting(signal, [cpu('a2')]);
    signal.notify('t1', 'shell', [task('t1')]);
    await settle();
    expect(fleet.woken()).toEqual({ a2: 't1' });
  });
});

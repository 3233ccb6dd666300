import { describe, expect, it } from 'vitest';
import { InProcessReadySignal } from '../../shared/adapters/memory/in-process-ready-signal.js';

/** Lets pending promise callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('in-process ready signal', () => {
  it("wakes a waiter on a new ready task in one of its pools, or on its own agent's notify, and on nothing else", async () => {
    const signal = new InProcessReadySignal();
    let woken = 0;
    const byPool = signal.wait('t1', ['gpu'], 600_000, 'a1').then(() => woken++);
    const byAgent = signal.wait('t1', ['gpu'], 600_000, 'a2').then(() => woken++);
    signal.notify('t2', 'gpu');
    signal.notify('t1', 'shell');
    signal.notifyAgent('t1', 'a3');
    signal.notifyAgent('t2', 'a2');
    await settle();
    expect(woken).toBe(0);
    signal.notifyAgent('t1', 'a2');
    await byAgent;
    expect(woken).toBe(1);
    signal.notify('t1', 'gpu');
    await byPool;
    expect(woken).toBe(2);
  });

  it('tells its listener of ready tasks only, not of an agent with more room', () => {
    const told: string[] = [];
    const signal = new InProcessReadySignal((tenant, pool) => told.push(`${tenant}#${pool}`));
    signal.notifyAgent('t1', 'a1');
    signal.notify('t1', 'gpu');
    expect(told).toEqual(['t1#gpu']);
  });
});

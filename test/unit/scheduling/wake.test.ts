import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canTake, chooseWakes, readyNoteOf, type ReadyNote, type Waiter } from '../../../shared/domain/scheduling/wake.js';
import { fullCapacity } from '../../../shared/domain/scheduling/fit.js';
import { agent } from './factories.js';

const cpu = (id: string): Waiter => agent(id, { capabilities: ['shell'] });
const gpu = (id: string, gpus = 2): Waiter => agent(id, { capabilities: ['shell', 'gpu'], capacity: { slots: 2, cpu: 8, gpu: gpus, memoryMb: 16_000 } });
const note = (id: string, fields: Partial<ReadyNote> = {}): ReadyNote => ({ id, requires: ['shell'], ...fields });
const woken = (chosen: Map<Waiter, ReadyNote>): Record<string, string> => Object.fromEntries([...chosen].map(([w, n]) => [w.id, n.id]));

describe('which waiting lease calls new ready tasks wake', () => {
  it('wakes one waiter for one task, the longest waiting, not all sixteen', () => {
    const waiters = Array.from({ length: 16 }, (_, i) => cpu(`a${i}`));
    expect(woken(chooseWakes([note('t1')], waiters))).toEqual({ a0: 't1' });
  });

  it('wakes as many waiters as there are tasks, one task each', () => {
    const waiters = Array.from({ length: 16 }, (_, i) => cpu(`a${i}`));
    expect(woken(chooseWakes([note('t1'), note('t2'), note('t3')], waiters))).toEqual({ a0: 't1', a1: 't2', a2: 't3' });
  });

  it('wakes the waiter a task fits most tightly, so a small task does not split an idle big agent', () => {
    const idle8 = gpu('idle8', 8);
    const oneLeft = { ...gpu('oneLeft', 4), free: { slots: 1, cpu: 2, gpu: 1, memoryMb: 4_000 } };
    const small = note('small', { requires: ['gpu'], resources: { gpu: 1, cpu: 2, memoryMb: 4_000 } });
    expect(woken(chooseWakes([small], [idle8, oneLeft]))).toEqual({ oneLeft: 'small' });
    // The big task only fits the idle agent: both are covered, each where it fits best.
    const big = note('big', { requires: ['gpu'], resources: { gpu: 8 } });
    expect(woken(chooseWakes([small, big], [idle8, oneLeft]))).toEqual({ idle8: 'big', oneLeft: 'small' });
    // Equal fits: the longest waiting.
    expect(woken(chooseWakes([small], [gpu('g1', 8), gpu('g2', 8)]))).toEqual({ g1: 'small' });
  });

  it('wakes the waiter that fits a GPU task, not a CPU one that waited longer', () => {
    const waiters = [cpu('c1'), cpu('c2'), gpu('g1')];
    expect(woken(chooseWakes([note('t1', { requires: ['gpu'], resources: { gpu: 1 } })], waiters))).toEqual({ g1: 't1' });
  });

  it('leaves the one GPU waiter to the GPU task when a CPU task came first', () => {
    const waiters = [gpu('g1'), cpu('c1')];
    const tasks = [note('cpu-task'), note('gpu-task', { requires: ['gpu'] })];
    expect(woken(chooseWakes(tasks, waiters))).toEqual({ g1: 'gpu-task', c1: 'cpu-task' });
  });

  it('wakes fewer than the tasks when fewer waiters can take them, and none for a task nobody fits', () => {
    expect(woken(chooseWakes([note('t1'), note('t2')], [cpu('c1')]))).toEqual({ c1: 't1' });
    expect(chooseWakes([note('big', { requires: ['gpu'], resources: { gpu: 4 } })], [cpu('c1'), gpu('g1', 2)]).size).toBe(0);
    expect(chooseWakes([], [cpu('c1')]).size).toBe(0);
  });

  it('follows the placement rules: the pinned agent only, never an avoided one, only in the room free now', () => {
    const waiters = [cpu('a1'), cpu('a2')];
    expect(woken(chooseWakes([note('t', { agent: 'a2' })], waiters))).toEqual({ a2: 't' });
    expect(woken(chooseWakes([note('t', { avoidAgents: ['a1'] })], waiters))).toEqual({ a2: 't' });
    const busy = { ...gpu('g1'), free: { ...fullCapacity(gpu('g1').capacity), gpu: 1 } };
    expect(canTake(busy, note('t', { requires: ['gpu'], resources: { gpu: 2 } }))).toBe(false);
    expect(canTake(busy, note('t', { requires: ['gpu'], resources: { gpu: 1 } }))).toBe(true);
  });

  it('does not wake again a waiter that passed the task over', () => {
    const tasks = [note('t1', { passedOver: ['a0', 'a1'] })];
    expect(woken(chooseWakes(tasks, [cpu('a0'), cpu('a1'), cpu('a2')]))).toEqual({ a2: 't1' });
    expect(chooseWakes(tasks, [cpu('a0'), cpu('a1')]).size).toBe(0);
  });

  it("notes a task's requirements and placement rules, nothing else", () => {
    const task = { id: 't1', requires: ['gpu'], resources: { gpu: 1 }, placement: { agent: 'a1', avoidAgents: ['a2'], prefers: { gpu: 1 } } };
    expect(readyNoteOf(task)).toEqual({ id: 't1', requires: ['gpu'], resources: { gpu: 1 }, agent: 'a1', avoidAgents: ['a2'] });
  });

  it('covers as many tasks as any one-task-per-waiter choice could (checked against every assignment)', () => {
    const waiterArb = fc.record({ skills: fc.subarray(['shell', 'gpu']), gpus: fc.nat(2) });
    const noteArb = fc.record({ skills: fc.subarray(['shell', 'gpu']), gpus: fc.nat(2), pin: fc.option(fc.nat(3), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(waiterArb, { maxLength: 4 }), fc.array(noteArb, { maxLength: 4 }), (ws, ns) => {
        const waiters = ws.map((w, i) => agent(`a${i}`, { capabilities: w.skills, capacity: { slots: 1, gpu: w.gpus } }));
        const notes = ns.map((n, i) => note(`t${i}`, { requires: n.skills, resources: { gpu: n.gpus }, ...(n.pin !== undefined ? { agent: `a${n.pin}` } : {}) }));
        const chosen = chooseWakes(notes, waiters);
        for (const [w, n] of chosen) expect(canTake(w, n)).toBe(true);
        expect(new Set(chosen.values()).size).toBe(chosen.size);
        expect(chosen.size).toBe(largestMatching(notes, waiters));
      }),
    );
  });
});

/** The most tasks any assignment (one waiter per task, one task per waiter) covers: every assignment tried. */
function largestMatching(notes: readonly ReadyNote[], waiters: readonly Waiter[], used = new Set<number>()): number {
  const [first, ...rest] = notes;
  if (first === undefined) return 0;
  let best = largestMatching(rest, waiters, used);
  waiters.forEach((w, i) => {
    if (used.has(i) || !canTake(w, first)) return;
    best = Math.max(best, 1 + largestMatching(rest, waiters, new Set([...used, i])));
  });
  return best;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admit } from '../../../shared/domain/scheduling/admission.js';
import { affinityOwner } from '../../../shared/domain/scheduling/affinity.js';
import { canRun, fits, take } from '../../../shared/domain/scheduling/fit.js';
import { candidateRank, effectiveRank, readyOrder, readySortKey } from '../../../shared/domain/scheduling/order.js';
import { PRIORITIES } from '../../../shared/domain/priority.js';
import { DEFAULT_SCHEDULING_CONFIG } from '../../../shared/domain/scheduling/config.js';
import { agent, ago, candidate, inSeconds, NOW } from './factories.js';

describe('fits, take and canRun', () => {
  const free = { slots: 1, cpu: 4, gpu: 2, memoryMb: 1000 };
  it('needs a slot and every stated resource', () => {
    expect(fits({ cpu: 4, gpu: 2, memoryMb: 1000 }, free)).toBe(true);
    expect(fits({ gpu: 3 }, free)).toBe(false);
    expect(fits(undefined, { ...free, slots: 0 })).toBe(false);
  });
  it('take subtracts one slot and the resources', () => {
    expect(take(free, { cpu: 1 })).toEqual({ slots: 0, cpu: 3, gpu: 2, memoryMb: 1000 });
  });
  it('canRun needs every required capability', () => {
    expect(canRun(['a', 'b'], ['a'])).toBe(true);
    expect(canRun(['a'], ['a', 'b'])).toBe(false);
  });
});

describe('ready order', () => {
  it('serves higher priority first, then earliest deadline, then oldest', () => {
    const order = readyOrder(
      [
        candidate('low', { priority: 'low' }),
        candidate('late', { deadline: inSeconds(900) }),
        candidate('soon', { deadline: inSeconds(600) }),
        candidate('old', { enqueuedAt: ago(50) }),
        candidate('high', { priority: 'high' }),
      ],
      NOW,
    );
    expect(order.map((c) => c.id)).toEqual(['high', 'soon', 'late', 'old', 'low']);
  });

  it('serves a due task (deadline inside the horizon) one level higher, like an aged one', () => {
    const order = readyOrder([candidate('high', { priority: 'high', enqueuedAt: ago(5) }), candidate('due', { deadline: inSeconds(60) })], NOW);
    expect(order.map((c) => c.id)).toEqual(['due', 'high']);
    expect(effectiveRank('low', 0, undefined, true)).toBe(2);
    expect(effectiveRank('normal', 500, undefined, true)).toBe(1);
  });

  it('ages a task one level after its max wait, never more', () => {
    expect(effectiveRank('normal', 121)).toBe(1);
    expect(effectiveRank('low', 10_000)).toBe(2);
    const order = readyOrder([candidate('high', { priority: 'high' }), candidate('aged-normal', { enqueuedAt: ago(121) })], NOW);
    expect(order.map((c) => c.id)).toEqual(['aged-normal', 'high']);
  });
});

describe('readySortKey', () => {
  const keyTime = (key: string): string => key.split('#')[1] as string;

  it('is fixed-width, so lexical order is numeric order', () => {
    const a = readySortKey({ id: 'a', priority: 'critical', enqueuedAt: '1970-01-01T00:00:01.000Z' });
    const b = readySortKey({ id: 'b', priority: 'critical', enqueuedAt: NOW.toISOString() });
    expect(keyTime(a)).toHaveLength(15);
    expect(keyTime(b)).toHaveLength(15);
    expect(a < b).toBe(true);
  });

  it('builds aging in: a high task that waited its max wait sorts with critical work enqueued then', () => {
    const aged = readySortKey({ id: 'h', priority: 'high', enqueuedAt: ago(61) });
    const critical = readySortKey({ id: 'c', priority: 'critical', enqueuedAt: NOW.toISOString() });
    const fresh = readySortKey({ id: 'f', priority: 'high', enqueuedAt: ago(59) });
    expect(aged < critical).toBe(true);
    expect(fresh > critical).toBe(true);
  });

  it('ages one level only: a normal task that waited an hour sorts behind a high task that became due or aged just now', () => {
    const old = readySortKey({ id: 'n', priority: 'normal', enqueuedAt: ago(3600) });
    const due = readySortKey({ id: 'd', priority: 'high', enqueuedAt: NOW.toISOString(), deadline: inSeconds(DEFAULT_SCHEDULING_CONFIG.deadlineHorizonSeconds) });
    const aged = readySortKey({ id: 'h', priority: 'high', enqueuedAt: ago(61) });
    const fresh = readySortKey({ id: 'f', priority: 'high', enqueuedAt: NOW.toISOString() });
    expect(due < old && aged < old && fresh < old).toBe(true);
  });

  it('pulls a task with a near deadline ahead of its level, not past it', () => {
    const due = readySortKey({ id: 'd', priority: 'normal', enqueuedAt: NOW.toISOString(), deadline: inSeconds(60) });
    const older = readySortKey({ id: 'o', priority: 'normal', enqueuedAt: ago(100) });
    const critical = readySortKey({ id: 'c', priority: 'critical', enqueuedAt: NOW.toISOString() });
    expect(due < older).toBe(true);
    expect(critical < due).toBe(true);
  });

  it('never sorts a task ahead of one with a better rank at any later time (so a window of the top keys holds the best ranks)', () => {
    const priority = fc.constantFrom(...PRIORITIES);
    // Whole seconds for the tasks, half seconds for `now`: never on a boundary, where aging (strict) and due (inclusive) differ.
    const task = fc.record({ priority, enqueued: fc.integer({ min: 0, max: 2000 }), deadlineIn: fc.option(fc.integer({ min: -100, max: 1500 }), { nil: undefined }) });
    fc.assert(
      fc.property(task, task, fc.integer({ min: 0, max: 4000 }), (a, b, later) => {
        const base = NOW.getTime();
        const toCandidate = (t: typeof a, id: string) =>
          candidate(id, {
            priority: t.priority,
            enqueuedAt: new Date(base + t.enqueued * 1000).toISOString(),
            ...(t.deadlineIn !== undefined ? { deadline: new Date(base + (t.enqueued + t.deadlineIn) * 1000).toISOString() } : {}),
          });
        const [x, y] = [toCandidate(a, 'a'), toCandidate(b, 'b')];
        const now = new Date(base + (Math.max(a.enqueued, b.enqueued) + later) * 1000 + 500);
        const [first, second] = readySortKey(x) < readySortKey(y) ? [x, y] : [y, x];
        expect(candidateRank(first, now)).toBeLessThanOrEqual(candidateRank(second, now));
      }),
    );
  });
});

describe('admit', () => {
  const fleet = [
    agent('a', { capabilities: ['shell'], capacity: { slots: 2, gpu: 8, memoryMb: 32_000 } }),
    agent('b', { capabilities: ['shell', 'docker'], capacity: { slots: 2, gpu: 0, memoryMb: 64_000 } }),
  ];
  it('accepts what one agent can run', () => {
    expect(admit({ requires: ['shell'], resources: { gpu: 8 } }, fleet)).toEqual({ ok: true });
  });
  it('names a capability no agent offers', () => {
    expect(admit({ requires: ['shell', 'security-review'] }, fleet)).toEqual({ ok: false, reason: 'no agent offers security-review' });
  });
  it('names a resource larger than the largest agent', () => {
    expect(admit({ requires: [], resources: { gpu: 16 } }, fleet)).toEqual({ ok: false, reason: 'needs gpu 16, the largest agent has 8' });
  });
  it('refuses resources no single agent has together', () => {
    const verdict = admit({ requires: [], resources: { gpu: 8, memoryMb: 64_000 } }, fleet);
    expect(verdict).toEqual({ ok: false, reason: 'needs gpu 8, memoryMb 64000 on one agent; no agent has all of it' });
  });
  it('refuses a pin to an unknown agent and exclusions of every capable agent', () => {
    expect(admit({ requires: [], agent: 'zz' }, fleet).ok).toBe(false);
    expect(admit({ requires: ['docker'], avoidAgents: ['b'] }, fleet)).toEqual({ ok: false, reason: 'every agent that could run it is in avoidAgents' });
  });
  it('refuses everything when no agent is registered', () => {
    expect(admit({ requires: [] }, [])).toEqual({ ok: false, reason: 'no agent is registered' });
  });
});

describe('affinityOwner', () => {
  it('does not depend on the order of the ids', () => {
    expect(affinityOwner('repo-1', ['a', 'b', 'c'])).toBe(affinityOwner('repo-1', ['c', 'a', 'b']));
  });
  it('has no owner without agents', () => {
    expect(affinityOwner('repo-1', [])).toBeUndefined();
  });
  it('spreads keys about evenly', () => {
    const ids = ['a', 'b', 'c', 'd'];
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const owner = affinityOwner(`key-${i}`, ids) as string;
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
    for (const id of ids) expect(counts.get(id)).toBeGreaterThan(800);
  });
});

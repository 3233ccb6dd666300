import { describe, expect, it } from 'vitest';
import { createDefaultPolicy } from '../../../shared/domain/scheduling/default-policy.js';
import type { AgentProfile } from '../../../shared/domain/scheduling/types.js';
import { agent, ago, candidate, inSeconds, NOW } from './factories.js';

const policy = createDefaultPolicy();
const ids = (cs: readonly { id: string }[]): string[] => cs.map((c) => c.id);
const fleetOf = (...online: AgentProfile[]) => ({ online });

describe('the default policy', () => {
  it('takes nothing the agent cannot run, is pinned away from or is told to avoid', () => {
    const me = agent('me', { capabilities: ['shell'] });
    const picked = policy.choose(
      me,
      [
        candidate('review', { requires: ['security-review'] }),
        candidate('pinned', { agent: 'other' }),
        candidate('avoided', { avoidAgents: ['me'] }),
        candidate('ok', { requires: ['shell'] }),
      ],
      fleetOf(me),
      NOW,
      4,
    );
    expect(ids(picked)).toEqual(['ok']);
  });

  it('stops at free slots, resources and max', () => {
    const me = agent('me', { capacity: { slots: 3, gpu: 4 } });
    const cs = [candidate('a', { resources: { gpu: 2 } }), candidate('b', { resources: { gpu: 2 } }), candidate('c', { resources: { gpu: 2 } })];
    expect(policy.choose(me, cs, fleetOf(me), NOW, 10)).toHaveLength(2);
    expect(policy.choose(me, cs, fleetOf(me), NOW, 1)).toHaveLength(1);
  });

  it('serves strict priority, and does not start low work while high work that fits waits', () => {
    const me = agent('me', { capacity: { slots: 1 } });
    const picked = policy.choose(me, [candidate('low', { priority: 'low', enqueuedAt: ago(30) }), candidate('high', { priority: 'high' })], fleetOf(me), NOW, 1);
    expect(ids(picked)).toEqual(['high']);
  });

  it('serves an aged task as one level higher', () => {
    const me = agent('me', { capacity: { slots: 1 } });
    const picked = policy.choose(me, [candidate('high', { priority: 'high' }), candidate('aged', { enqueuedAt: ago(200) })], fleetOf(me), NOW, 1);
    expect(ids(picked)).toEqual(['aged']);
  });

  it('takes the earliest deadline first within a priority', () => {
    const me = agent('me', { capacity: { slots: 1 } });
    const cs = [candidate('later', { deadline: inSeconds(120), enqueuedAt: ago(10) }), candidate('sooner', { deadline: inSeconds(60) })];
    expect(ids(policy.choose(me, cs, fleetOf(me), NOW, 1))).toEqual(['sooner']);
  });

  it('gives a specialist the work only it can do before work anyone can do', () => {
    const specialist = agent('s', { capabilities: ['shell', 'security-review'], capacity: { slots: 1 } });
    const generalist = agent('g', { capabilities: ['shell'], capacity: { slots: 1 } });
    const cs = [candidate('anyone', { requires: ['shell'], enqueuedAt: ago(20) }), candidate('review', { requires: ['security-review'] })];
    expect(ids(policy.choose(specialist, cs, fleetOf(specialist, generalist), NOW, 1))).toEqual(['review']);
  });

  it('packs the tightest fit, so a big task is not left to fragments', () => {
    const big = agent('big', { capacity: { slots: 4, gpu: 8 } });
    const small = agent('small', { capacity: { slots: 4, gpu: 2 } });
    const cs = [candidate('two', { resources: { gpu: 2 }, enqueuedAt: ago(20) }), candidate('eight', { resources: { gpu: 8 } })];
    expect(ids(policy.choose(big, cs, fleetOf(big, small), NOW, 1))).toEqual(['eight']);
  });

  it('reserves room for a blocked big task on the agent closest to fitting it', () => {
    const busy = { slots: 3, cpu: 0, gpu: 4, memoryMb: 0 };
    const closest = agent('a', { capacity: { slots: 4, gpu: 8 }, free: busy });
    const farther = agent('b', { capacity: { slots: 4, gpu: 8 }, free: { ...busy, gpu: 2 } });
    const cs = [candidate('big', { resources: { gpu: 8 }, enqueuedAt: ago(30) }), candidate('small', { resources: { gpu: 1 } }), candidate('cpu-only')];
    const fleet = fleetOf(closest, farther);
    expect(ids(policy.choose(closest, cs, fleet, NOW, 4))).toEqual(['cpu-only']);
    expect(ids(policy.choose(farther, cs, fleet, NOW, 4)).sort()).toEqual(['cpu-only', 'small']);
  });

  it('leaves a task to the online agent its affinity key hashes to, for a while', () => {
    const a = agent('a');
    const b = agent('b');
    const fleet = fleetOf(a, b);
    const key = Array.from({ length: 50 }, (_, i) => `repo-${i}`).find((k) => policy.choose(a, [candidate('t', { affinityKey: k })], fleet, NOW, 1).length === 0);
    expect(key).toBeDefined();
    expect(ids(policy.choose(b, [candidate('t', { affinityKey: key })], fleet, NOW, 1))).toEqual(['t']);
    expect(ids(policy.choose(a, [candidate('t', { affinityKey: key, enqueuedAt: ago(60) })], fleet, NOW, 1))).toEqual(['t']);
    expect(ids(policy.choose(a, [candidate('t', { affinityKey: key })], fleetOf(a), NOW, 1))).toEqual(['t']);
  });

  it('leaves fresh work to an idle faster agent', () => {
    const slow = agent('slow', { capacity: { slots: 2 } });
    const fast = agent('fast', { capacity: { slots: 1 }, weight: 3 });
    const cs = [candidate('one'), candidate('two')];
    expect(policy.choose(slow, cs, fleetOf(slow, fast), NOW, 2)).toHaveLength(1);
    expect(policy.choose(slow, cs, fleetOf(slow, { ...fast, free: { ...fast.free, slots: 0 } }), NOW, 2)).toHaveLength(2);
  });

  it('prefers the tasks whose prefers weights this agent matches', () => {
    const me = agent('me', { labels: { region: 'eu' }, capabilities: ['a100'], capacity: { slots: 1 } });
    const cs = [candidate('plain', { enqueuedAt: ago(30) }), candidate('eu', { prefers: { 'region=eu': 5 } }), candidate('us', { prefers: { 'region=us': 9 } })];
    expect(ids(policy.choose(me, cs, fleetOf(me), NOW, 1))).toEqual(['eu']);
  });

  it('keeps to concurrency-key limits, counting what it picks', () => {
    const me = agent('me');
    const cs = [candidate('a', { concurrencyKey: 'deploy' }), candidate('b', { concurrencyKey: 'deploy' }), candidate('c', { concurrencyKey: 'deploy' })];
    const fleet = { online: [me], concurrencyLimits: { deploy: 2 }, runningByConcurrencyKey: { deploy: 1 } };
    expect(policy.choose(me, cs, fleet, NOW, 4)).toHaveLength(1);
  });

  it('takes turns between tenants sharing a pool', () => {
    const me = agent('me', { capacity: { slots: 2 } });
    const cs = [candidate('a1', { tenant: 'a', enqueuedAt: ago(3) }), candidate('a2', { tenant: 'a', enqueuedAt: ago(2) }), candidate('b1', { tenant: 'b' })];
    expect(ids(policy.choose(me, cs, fleetOf(me), NOW, 2))).toEqual(['a1', 'b1']);
  });

  it('holds its configuration inside the policy object', () => {
    const patient = createDefaultPolicy({ maxWaitSeconds: { critical: Infinity, high: 60, normal: 10_000, low: 10_000 } });
    const me = agent('me', { capacity: { slots: 1 } });
    const cs = [candidate('high', { priority: 'high' }), candidate('old', { enqueuedAt: ago(200) })];
    expect(ids(patient.choose(me, cs, fleetOf(me), NOW, 1))).toEqual(['high']);
    expect(ids(policy.choose(me, cs, fleetOf(me), NOW, 1))).toEqual(['old']);
  });
});

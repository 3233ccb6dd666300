import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { affinityOwner } from '../../../shared/domain/scheduling/affinity.js';
import { createDefaultPolicy } from '../../../shared/domain/scheduling/default-policy.js';
import { eligible, fits, take } from '../../../shared/domain/scheduling/fit.js';
import { candidateRank } from '../../../shared/domain/scheduling/order.js';
import type { AgentProfile, Candidate, FreeCapacity } from '../../../shared/domain/scheduling/types.js';
import { PRIORITIES } from '../../../shared/domain/priority.js';
import { NOW } from './factories.js';

const SKILLS = ['shell', 'gpu', 'review'] as const;
const AGENT_IDS = ['a0', 'a1', 'a2', 'a3', 'a4'];

const skills = fc.subarray([...SKILLS]);
const iso = (secondsAgo: number): string => new Date(NOW.getTime() - secondsAgo * 1000).toISOString();

const agentArb = (id: string): fc.Arbitrary<AgentProfile> =>
  fc
    .record({
      capabilities: skills,
      slots: fc.integer({ min: 0, max: 4 }),
      cpu: fc.integer({ min: 0, max: 8 }),
      gpu: fc.integer({ min: 0, max: 8 }),
      memoryMb: fc.integer({ min: 0, max: 4 }).map((n) => n * 1000),
      used: fc.record({ slots: fc.nat(4), cpu: fc.nat(8), gpu: fc.nat(8), memoryMb: fc.nat(4000) }),
      weight: fc.constantFrom(1, 1, 2),
      region: fc.constantFrom('eu', 'us'),
    })
    .map(({ capabilities, slots, cpu, gpu, memoryMb, used, weight, region }) => {
      const free: FreeCapacity = {
        slots: Math.max(0, slots - used.slots),
        cpu: Math.max(0, cpu - used.cpu),
        gpu: Math.max(0, gpu - used.gpu),
        memoryMb: Math.max(0, memoryMb - used.memoryMb),
      };
      return { id, capabilities, capacity: { slots, cpu, gpu, memoryMb }, free, weight, labels: { region } };
    });

const candidateArb = (id: string): fc.Arbitrary<Candidate> =>
  fc
    .record({
      priority: fc.constantFrom(...PRIORITIES),
      waited: fc.integer({ min: 0, max: 400 }),
      deadlineIn: fc.option(fc.integer({ min: -60, max: 900 }), { nil: undefined }),
      requires: fc.subarray([...SKILLS], { maxLength: 2 }),
      cpu: fc.integer({ min: 0, max: 4 }),
      gpu: fc.constantFrom(0, 0, 1, 2, 4, 8),
      memoryMb: fc.integer({ min: 0, max: 3 }).map((n) => n * 1000),
      affinityKey: fc.option(fc.constantFrom('k1', 'k2', 'k3'), { nil: undefined }),
      pin: fc.option(fc.constantFrom(...AGENT_IDS), { freq: 8, nil: undefined }),
      avoid: fc.subarray(AGENT_IDS, { maxLength: 1 }),
      prefersEu: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    })
    .map((r) => ({
      id,
      tenant: 'acme',
      pool: 'agents',
      priority: r.priority,
      enqueuedAt: iso(r.waited),
      ...(r.deadlineIn !== undefined ? { deadline: new Date(NOW.getTime() + r.deadlineIn * 1000).toISOString() } : {}),
      requires: r.requires,
      resources: { cpu: r.cpu, gpu: r.gpu, memoryMb: r.memoryMb },
      ...(r.affinityKey !== undefined ? { affinityKey: r.affinityKey } : {}),
      ...(r.pin !== undefined ? { agent: r.pin } : {}),
      avoidAgents: r.avoid,
      ...(r.prefersEu !== undefined ? { prefers: { 'region=eu': r.prefersEu } } : {}),
    }));

const scenario = fc.record({
  fleet: fc.tuple(...AGENT_IDS.map(agentArb)),
  candidates: fc.integer({ min: 0, max: 25 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => candidateArb(`t${i}`)))),
  asker: fc.integer({ min: 0, max: AGENT_IDS.length - 1 }),
  max: fc.integer({ min: 0, max: 6 }),
  reserve: fc.boolean(),
});

const RUNS = { numRuns: 300 };

describe('the default policy, on any fleet and backlog', () => {
  it('never picks what does not fit, what the agent cannot run, a duplicate, or more than max', () => {
    fc.assert(
      fc.property(scenario, ({ fleet, candidates, asker, max, reserve }) => {
        const agent = fleet[asker] as AgentProfile;
        const picked = createDefaultPolicy({ reserveForBlocked: reserve }).choose(agent, candidates, { online: fleet }, NOW, max);
        expect(picked.length).toBeLessThanOrEqual(max);
        expect(new Set(picked.map((c) => c.id)).size).toBe(picked.length);
        let free = agent.free;
        for (const c of picked) {
          expect(eligible(agent, c)).toBe(true);
          expect(fits(c.resources, free)).toBe(true);
          free = take(free, c.resources);
        }
      }),
      RUNS,
    );
  });

  it('never starts a task while a better-ranked one that fits the same room waits (aging aside)', () => {
    fc.assert(
      fc.property(scenario, ({ fleet, candidates, asker, max, reserve }) => {
        const agent = fleet[asker] as AgentProfile;
        const picked = createDefaultPolicy({ reserveForBlocked: reserve }).choose(agent, candidates, { online: fleet }, NOW, max);
        const chosen = new Set(picked.map((c) => c.id));
        let free = agent.free;
        for (const c of picked) {
          const rank = candidateRank(c, NOW);
          const passedOver = candidates.filter((w) => !chosen.has(w.id) && eligible(agent, w) && fits(w.resources, free) && candidateRank(w, NOW) < rank);
          expect(passedOver.map((w) => w.id)).toEqual([]);
          free = take(free, c.resources);
        }
      }),
      RUNS,
    );
  });

  it('picks the same whatever order the candidates come in', () => {
    fc.assert(
      fc.property(scenario, fc.integer(), ({ fleet, candidates, asker, max }, seed) => {
        const agent = fleet[asker] as AgentProfile;
        const policy = createDefaultPolicy();
        const shuffled = [...candidates].sort((a, b) => ((a.id.charCodeAt(1) * seed) % 7) - ((b.id.charCodeAt(1) * seed) % 7));
        const ids = (cs: readonly Candidate[]) => cs.map((c) => c.id);
        expect(ids(policy.choose(agent, shuffled, { online: fleet }, NOW, max))).toEqual(ids(policy.choose(agent, candidates, { online: fleet }, NOW, max)));
      }),
      RUNS,
    );
  });
});

describe('affinityOwner', () => {
  const keys = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 60 });
  const agents = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 2, maxLength: 12 });

  it('moves only the departed agent’s keys when an agent leaves', () => {
    fc.assert(
      fc.property(keys, agents, fc.nat(), (ks, ids, pick) => {
        const gone = ids[pick % ids.length] as string;
        const left = ids.filter((id) => id !== gone);
        for (const key of ks) {
          const before = affinityOwner(key, ids);
          const after = affinityOwner(key, left);
          if (before !== gone) expect(after).toBe(before);
          else expect(left).toContain(after);
        }
      }),
      RUNS,
    );
  });

  it('moves keys only to an agent that joins', () => {
    fc.assert(
      fc.property(keys, agents, fc.string({ minLength: 1, maxLength: 8 }), (ks, ids, joiner) => {
        fc.pre(!ids.includes(joiner));
        for (const key of ks) {
          const after = affinityOwner(key, [...ids, joiner]);
          if (after !== joiner) expect(after).toBe(affinityOwner(key, ids));
        }
      }),
      RUNS,
    );
  });
});

import { affinityOwner } from './affinity.js';
import { schedulingConfig, type SchedulingConfig } from './config.js';
import { DIMENSIONS, eligible, fits, fullCapacity, shortDimensions, shortfall, take, waste, type Dimension } from './fit.js';
import { candidateRank, readyOrder } from './order.js';
import type { AgentProfile, Candidate, FleetView, FreeCapacity, SchedulingPolicy } from './types.js';

/**
 * The default policy of an agent pool. For an agent asking for work it takes, one
 * task at a time while slots and resources last:
 *
 * 1. Hard filters: capabilities, pin, avoidAgents, the task fits the agent's free
 *    resources, concurrency-key limits.
 * 2. Strict priority with aging: only the best effective priority among what fits
 *    is considered. If everything of that priority is held back (3) or reserved
 *    (4), the agent takes nothing more rather than start lower-priority work:
 *    so a lower priority never starts while a higher one that fits waits.
 * 3. Holdbacks, each for at most `holdbackSeconds` of a task's wait: a task whose
 *    `affinityKey` belongs to another online agent with room for it is left to
 *    that agent; work an idle, faster agent could take now is left to it.
 * 4. Reservation: the first task in ready order that no online agent has room
 *    for reserves the resources it lacks on the one agent closest to fitting it;
 *    that agent only backfills with tasks that leave them alone. Small tasks
 *    cannot keep a big one out for ever.
 * 5. Within the priority: a deadline inside the horizon first (EDF), work this
 *    agent owns by affinity, specialist work (fewest online agents could run
 *    it), `prefers` weights, the concurrency key then the tenant with fewest
 *    running, best fit (least
 *    left unused), then ready order.
 */
export function createDefaultPolicy(overrides: Partial<SchedulingConfig> = {}): SchedulingPolicy {
  const config = schedulingConfig(overrides);
  return {
    name: 'default',
    order: (candidates, now) => readyOrder(candidates, now, config),
    choose: (agent, candidates, fleet, now, max) => choose(config, agent, candidates, fleet, now, max),
  };
}

interface Reservation {
  readonly blocked: Candidate;
  readonly short: readonly Dimension[];
}

function choose(config: SchedulingConfig, agent: AgentProfile, candidates: readonly Candidate[], fleet: FleetView, now: Date, max: number): Candidate[] {
  const inOrder = readyOrder(candidates, now, config);
  const position = new Map(inOrder.map((c, i) => [c.id, i]));
  const online = fleet.online.some((a) => a.id === agent.id) ? fleet.online : [...fleet.online, agent];
  const mine = inOrder.filter((c) => eligible(agent, c));
  const rank = new Map(mine.map((c) => [c.id, candidateRank(c, now, config)]));
  const waited = (c: Candidate): number => (now.getTime() - Date.parse(c.enqueuedAt)) / 1000;
  const capable = lazily((c: Candidate) => online.filter((a) => eligible(a, c)));
  const running = { ...fleet.runningByConcurrencyKey };
  const tenantRunning = { ...fleet.runningByTenant };
  const reservation = config.reserveForBlocked ? reserve(config, agent, mine, capable) : undefined;

  const underLimit = (c: Candidate): boolean =>
    c.concurrencyKey === undefined || (running[c.concurrencyKey] ?? 0) < (fleet.concurrencyLimits?.[c.concurrencyKey] ?? Infinity);
  const allowedBy = (free: FreeCapacity, c: Candidate): boolean => {
    if (reservation === undefined || (position.get(c.id) ?? 0) < (position.get(reservation.blocked.id) ?? 0)) return true;
    const after = take(free, c.resources);
    const blockedNeeds = (d: Dimension): number => reservation.blocked.resources?.[d] ?? 0;
    return after.slots >= 1 && DIMENSIONS.every((d) => (reservation.short.includes(d) ? (c.resources?.[d] ?? 0) === 0 : after[d] >= blockedNeeds(d)));
  };
  const owner = (c: Candidate): string | undefined =>
    c.affinityKey === undefined ? undefined : affinityOwner(c.affinityKey, capable(c).map((a) => a.id));
  const leftForOwner = (c: Candidate): boolean => {
    const id = owner(c);
    if (id === undefined || id === agent.id || waited(c) >= config.holdbackSeconds) return false;
    const other = online.find((a) => a.id === id);
    return other !== undefined && fits(c.resources, other.free);
  };

  const picked: Candidate[] = [];
  const taken = new Set<string>();
  let free = agent.free;
  while (picked.length < Math.min(max, agent.free.slots)) {
    const fitting = mine.filter((c) => !taken.has(c.id) && fits(c.resources, free) && underLimit(c));
    if (fitting.length === 0) break;
    const best = Math.min(...fitting.map((c) => rank.get(c.id) ?? 0));
    const band = fitting.filter((c) => rank.get(c.id) === best && allowedBy(free, c) && !leftForOwner(c));
    const held = leftForOthers(config, agent, band, online, capable, waited);
    const open = band.filter((c) => !held.has(c.id));
    if (open.length === 0) break;
    const score = scorer(config, agent, free, now, capable, owner, tenantRunning, position, running);
    const next = open.reduce((a, b) => (compareScores(score(a), score(b)) <= 0 ? a : b));
    picked.push(next);
    taken.add(next.id);
    free = take(free, next.resources);
    if (next.concurrencyKey !== undefined) running[next.concurrencyKey] = (running[next.concurrencyKey] ?? 0) + 1;
    tenantRunning[next.tenant] = (tenantRunning[next.tenant] ?? 0) + 1;
  }
  return picked;
}

/**
 * Blocked tasks are those no online agent has room for now. The first
 * `maxReservations` of them in ready order (of those this agent could run) each
 * reserve on one agent: the one closest to fitting it (least shortfall as a
 * share of capacity; ties to the smaller id) that no earlier blocked task
 * reserved. This agent honours the first reservation that falls on it.
 * Shortfalls only shrink on a reserving agent, so a reservation stays put and
 * the task starts there.
 */
function reserve(config: SchedulingConfig, agent: AgentProfile, mine: readonly Candidate[], capable: Capable): Reservation | undefined {
  const reserving = new Set<string>();
  for (const blocked of mine) {
    if (reserving.size >= config.maxReservations) return undefined;
    if (capable(blocked).some((a) => fits(blocked.resources, a.free))) continue;
    const closest = capable(blocked)
      .filter((a) => !reserving.has(a.id))
      .sort((a, b) => shortfall(blocked.resources, a.free, a.capacity) - shortfall(blocked.resources, b.free, b.capacity) || (a.id < b.id ? -1 : 1))[0];
    if (closest === undefined) continue;
    if (closest.id === agent.id) return { blocked, short: shortDimensions(blocked.resources, agent.free) };
    reserving.add(closest.id);
  }
  return undefined;
}

/**
 * Work to leave for other agents that suit it better and can start it now:
 * an idle agent faster than the asker (weight), or an agent with room for it
 * that is strictly smaller than the asker (its capacity no larger in any
 * dimension), so big agents stay free for the work only they can fit. Each
 * such agent's free room is filled, in that order, with the band's tasks it
 * could run; those are held back, each for at most `holdbackSeconds` of its wait.
 */
function leftForOthers(
  config: SchedulingConfig,
  agent: AgentProfile,
  band: readonly Candidate[],
  online: readonly AgentProfile[],
  capable: Capable,
  waited: (c: Candidate) => number,
): Set<string> {
  const held = new Set<string>();
  const mine = fullCapacity(agent.capacity);
  const smaller = (a: AgentProfile): boolean => {
    const theirs = fullCapacity(a.capacity);
    return a.weight >= agent.weight && DIMENSIONS.every((d) => theirs[d] <= mine[d]) && DIMENSIONS.some((d) => theirs[d] < mine[d]);
  };
  const others = online
    .filter((a) => a.id !== agent.id && a.free.slots >= 1 && ((a.weight > agent.weight && a.free.slots >= a.capacity.slots) || (config.leaveToSmaller && smaller(a))))
    .sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : 1));
  for (const other of others) {
    let room = other.free;
    for (const c of band) {
      if (held.has(c.id) || waited(c) >= config.holdbackSeconds) continue;
      if (capable(c).includes(other) && fits(c.resources, room)) {
        held.add(c.id);
        room = take(room, c.resources);
      }
    }
  }
  return held;
}

type Score = readonly number[];

/** The online agents that could run a candidate at all (free room aside). */
type Capable = (c: Candidate) => readonly AgentProfile[];

/** Memoised per candidate: computed only for the candidates a decision looks at. */
function lazily(compute: Capable): Capable {
  const memo = new Map<string, readonly AgentProfile[]>();
  return (c) => {
    const known = memo.get(c.id);
    if (known !== undefined) return known;
    const value = compute(c);
    memo.set(c.id, value);
    return value;
  };
}

function compareScores(a: Score, b: Score): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    // Not x - y: Infinity - Infinity is NaN, and undated tasks score Infinity.
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Smaller is better, compared left to right (see the list on createDefaultPolicy). */
function scorer(
  config: SchedulingConfig,
  agent: AgentProfile,
  free: FreeCapacity,
  now: Date,
  capable: Capable,
  owner: (c: Candidate) => string | undefined,
  tenantRunning: Readonly<Record<string, number>>,
  position: ReadonlyMap<string, number>,
  keyRunning: Readonly<Record<string, number>> = {},
) {
  const horizon = now.getTime() + config.deadlineHorizonSeconds * 1000;
  return (c: Candidate): Score => {
    const due = c.deadline === undefined ? Infinity : Date.parse(c.deadline);
    return [
      due <= horizon ? due : Infinity,
      owner(c) === agent.id ? 0 : 1,
      capable(c).length,
      -preferenceScore(agent, c),
      // Round-robin between concurrency keys: the key with fewest running first.
      c.concurrencyKey === undefined ? 0 : (keyRunning[c.concurrencyKey] ?? 0),
      tenantRunning[c.tenant] ?? 0,
      waste(c.resources, free, agent.capacity),
      position.get(c.id) ?? 0,
    ];
  };
}

/**
 * How much a task prefers this agent: the sum of the weights of its `prefers`
 * entries the agent matches. `key=value` matches a label; a bare name matches
 * a capability or a label key.
 */
export function preferenceScore(agent: Pick<AgentProfile, 'capabilities' | 'labels'>, candidate: Pick<Candidate, 'prefers'>): number {
  let score = 0;
  for (const [label, weight] of Object.entries(candidate.prefers ?? {})) {
    const eq = label.indexOf('=');
    const matches = eq >= 0 ? agent.labels[label.slice(0, eq)] === label.slice(eq + 1) : agent.capabilities.includes(label) || Object.hasOwn(agent.labels, label);
    if (matches) score += weight;
  }
  return score;
}

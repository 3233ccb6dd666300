import type { Resources } from '../task.js';
import { canRun, DIMENSIONS, fits, fullCapacity } from './fit.js';
import type { AgentProfile, Candidate } from './types.js';

/** What admission needs of a task. */
export type Requirements = Pick<Candidate, 'requires' | 'agent' | 'avoidAgents' | 'resources'>;
/** What admission needs of an agent: any registered one (online or seen within the pool's window). */
export type RegisteredAgent = Pick<AgentProfile, 'id' | 'capabilities' | 'capacity'>;

export type Admission = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const refuse = (reason: string): Admission => ({ ok: false, reason });

const describe = (resources: Resources | undefined): string =>
  DIMENSIONS.filter((d) => (resources?.[d] ?? 0) > 0)
    .map((d) => `${d} ${resources?.[d]}`)
    .join(', ');

/**
 * Could any registered agent ever run this task? Answers why not, in the words
 * a 422 shows: `no agent offers security-review`, `needs gpu 16, the largest
 * agent has 8`. Checks, in order: the pin, the capabilities, capabilities
 * together, the exclusions, then each resource, then resources together.
 */
export function admit(task: Requirements, agents: readonly RegisteredAgent[]): Admission {
  let pool = task.agent === undefined ? agents : agents.filter((agent) => agent.id === task.agent);
  if (task.agent !== undefined && pool.length === 0) return refuse(`agent ${task.agent} is not registered`);
  if (pool.length === 0) return refuse('no agent is registered');

  const offered = new Set(pool.flatMap((agent) => agent.capabilities));
  const missing = task.requires.filter((capability) => !offered.has(capability));
  if (missing.length > 0) return refuse(`no agent offers ${missing.join(', ')}`);
  pool = pool.filter((agent) => canRun(agent.capabilities, task.requires));
  if (pool.length === 0) return refuse(`no single agent offers all of ${task.requires.join(', ')}`);

  const avoided = new Set(task.avoidAgents ?? []);
  pool = pool.filter((agent) => !avoided.has(agent.id));
  if (pool.length === 0) return refuse('every agent that could run it is in avoidAgents');

  for (const d of DIMENSIONS) {
    const needed = task.resources?.[d] ?? 0;
    const largest = Math.max(...pool.map((agent) => fullCapacity(agent.capacity)[d]));
    if (needed > largest) return refuse(`needs ${d} ${needed}, the largest agent has ${largest}`);
  }
  if (!pool.some((agent) => fits(task.resources, fullCapacity(agent.capacity)))) {
    return refuse(`needs ${describe(task.resources) || 'a slot'} on one agent; no agent has all of it`);
  }
  return { ok: true };
}

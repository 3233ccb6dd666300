import type { Resources } from '../task.js';
import type { AgentProfile, Candidate, FreeCapacity } from './types.js';

/** The resource dimensions besides slots, in the order messages name them. */
export const DIMENSIONS = ['cpu', 'gpu', 'memoryMb'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

const need = (resources: Resources | undefined, dimension: Dimension): number => resources?.[dimension] ?? 0;

/** All of `capacity` free: what an idle agent has. */
export function fullCapacity(capacity: AgentProfile['capacity']): FreeCapacity {
  return { slots: capacity.slots, cpu: capacity.cpu ?? 0, gpu: capacity.gpu ?? 0, memoryMb: capacity.memoryMb ?? 0 };
}

/** Does a task needing `resources` fit? One slot, and each stated resource, must be free. */
export function fits(resources: Resources | undefined, free: FreeCapacity): boolean {
  return free.slots >= 1 && DIMENSIONS.every((d) => need(resources, d) <= free[d]);
}

/** `free` after one more task needing `resources`. */
export function take(free: FreeCapacity, resources: Resources | undefined): FreeCapacity {
  return {
    slots: free.slots - 1,
    cpu: free.cpu - need(resources, 'cpu'),
    gpu: free.gpu - need(resources, 'gpu'),
    memoryMb: free.memoryMb - need(resources, 'memoryMb'),
  };
}

/** An agent may run a task when it has every capability the task requires. */
export function canRun(agentCapabilities: readonly string[], requires: readonly string[]): boolean {
  // Both lists are short: a scan beats building a Set on this hot path.
  return requires.every((capability) => agentCapabilities.includes(capability));
}

/** Hard rules apart from free capacity: capabilities, pin, exclusion, and that the task fits the agent at all. */
export function eligible(
  agent: Pick<AgentProfile, 'id' | 'capabilities' | 'capacity'>,
  candidate: Pick<Candidate, 'requires' | 'agent' | 'avoidAgents' | 'resources'>,
): boolean {
  return (
    canRun(agent.capabilities, candidate.requires) &&
    (candidate.agent === undefined || candidate.agent === agent.id) &&
    !(candidate.avoidAgents ?? []).includes(agent.id) &&
    fits(candidate.resources, fullCapacity(agent.capacity))
  );
}

/** The dimensions in which `free` lacks what `resources` needs. */
export function shortDimensions(resources: Resources | undefined, free: FreeCapacity): Dimension[] {
  return DIMENSIONS.filter((d) => need(resources, d) > free[d]);
}

/**
 * How far `free` is from fitting `resources`, each dimension as a share of the
 * agent's capacity (0 = fits). Used to pick the one agent a blocked task waits on.
 */
export function shortfall(resources: Resources | undefined, free: FreeCapacity, capacity: AgentProfile['capacity']): number {
  const total = fullCapacity(capacity);
  return DIMENSIONS.reduce((sum, d) => sum + (total[d] > 0 ? Math.max(0, need(resources, d) - free[d]) / total[d] : 0), 0);
}

/**
 * What taking the task leaves unused, each dimension the agent has as a share of
 * its capacity (smaller = tighter fit). Best fit takes the smallest.
 */
export function waste(resources: Resources | undefined, free: FreeCapacity, capacity: AgentProfile['capacity']): number {
  const total = fullCapacity(capacity);
  return DIMENSIONS.reduce((sum, d) => sum + (total[d] > 0 ? (free[d] - need(resources, d)) / total[d] : 0), 0);
}

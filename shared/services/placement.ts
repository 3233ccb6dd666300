import { isOnline, type Agent } from '../domain/agent.js';
import { poolsFor, routeToPool } from '../domain/routing.js';
import { admit } from '../domain/scheduling/admission.js';
import type { Placement, Resources } from '../domain/task.js';
import { UnmatchedError, UnroutableError, type TaskfleetError } from '../errors.js';
import type { Pool } from '../topology/topology.js';
import type { Services } from './deps.js';

export interface Requirements {
  readonly requires: readonly string[];
  readonly resources?: Resources;
  readonly placement?: Placement;
}

/** The tenant's agents, read at most once per request and only if an item goes to an agent pool. */
export type Fleet = () => Promise<readonly Agent[]>;

export function lazyFleet(services: Pick<Services, 'agents'>, tenant: string): Fleet {
  let agents: Promise<readonly Agent[]> | undefined;
  return () => (agents ??= services.agents.list(tenant));
}

/**
 * Where a task (or a job, or a next stage) would run: the most specific pool
 * offering its capabilities, then, on an agent pool, admission — could any agent
 * seen within the pool's window run it? A fixed pool none of the tenant's agents
 * has served yet is a fleet not started: its work is accepted and waits, as on any
 * queue. An open pool has no list to vouch for a skill, so some agent must offer it.
 */
export async function placeTask(
  services: Pick<Services, 'pools' | 'now'>,
  fleet: Fleet,
  task: Requirements,
  field: string,
): Promise<{ ok: true; pool: Pool } | { ok: false; error: TaskfleetError }> {
  const route = routeToPool(services.pools, task.requires);
  if (!route.ok) return { ok: false, error: new UnroutableError(route.missing, field) };
  const pool = route.pool;
  if (pool.runsOn !== 'agents' || pool.acceptUnmatched) return { ok: true, pool };
  const now = services.now();
  const since = now.getTime() - pool.admissionWindowSeconds * 1000;
  const recent = (await fleet()).filter((a) => (isOnline(a, now) || Date.parse(a.lastSeenAt) >= since) && poolsFor([pool], a.capabilities).length > 0);
  if (recent.length === 0) {
    if (!pool.openCapabilities) return { ok: true, pool };
    return { ok: false, error: new UnmatchedError(`no agent offers ${task.requires.join(', ')} (pool ${pool.name})`, field) };
  }
  const verdict = admit(
    {
      requires: task.requires,
      ...(task.resources !== undefined ? { resources: task.resources } : {}),
      ...(task.placement?.agent !== undefined ? { agent: task.placement.agent } : {}),
      ...(task.placement?.avoidAgents !== undefined ? { avoidAgents: task.placement.avoidAgents } : {}),
    },
    recent,
  );
  return verdict.ok ? { ok: true, pool } : { ok: false, error: new UnmatchedError(`${verdict.reason} (pool ${pool.name})`, field) };
}

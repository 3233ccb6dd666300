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

/**
 * The tenant's agents, read at most once per request and only if an item goes
 * to an agent pool: `recent` from the process's few-seconds-old view when there
 * is one (Services.recentAgents; `cached`), `fresh` from the store.
 */
export interface Fleet {
  readonly cached: boolean;
  recent(): Promise<readonly Agent[]>;
  fresh(): Promise<readonly Agent[]>;
}

export function lazyFleet(services: Pick<Services, 'agents' | 'recentAgents'>, tenant: string): Fleet {
  let recent: Promise<readonly Agent[]> | undefined;
  let fresh: Promise<readonly Agent[]> | undefined;
  const read = (): Promise<readonly Agent[]> => (fresh ??= services.agents.list(tenant));
  const view = services.recentAgents;
  if (view === undefined) return { cached: false, recent: read, fresh: read };
  return { cached: true, recent: () => (recent ??= view.list(tenant)), fresh: read };
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
  let verdict = admission(services.now(), pool, await fleet.recent(), task, field);
  // A view a few seconds old may lack an agent registered since: only its agents admitting the task stands without a fresh read.
  if (verdict.kind !== 'admitted' && fleet.cached) verdict = admission(services.now(), pool, await fleet.fresh(), task, field);
  return verdict.kind === 'refused' ? { ok: false, error: verdict.error } : { ok: true, pool };
}

type Admission = { readonly kind: 'admitted' | 'waits' } | { readonly kind: 'refused'; readonly error: TaskfleetError };

/** Whether `agents` could run the task; `waits` when none has served the pool yet (a fleet not started). */
function admission(now: Date, pool: Pool, agents: readonly Agent[], task: Requirements, field: string): Admission {
  const since = now.getTime() - pool.admissionWindowSeconds * 1000;
  const recent = agents.filter((a) => (isOnline(a, now) || Date.parse(a.lastSeenAt) >= since) && poolsFor([pool], a.capabilities).length > 0);
  if (recent.length === 0) {
    if (!pool.openCapabilities) return { kind: 'waits' };
    return { kind: 'refused', error: new UnmatchedError(`no agent offers ${task.requires.join(', ')} (pool ${pool.name})`, field) };
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
  return verdict.ok ? { kind: 'admitted' } : { kind: 'refused', error: new UnmatchedError(`${verdict.reason} (pool ${pool.name})`, field) };
}

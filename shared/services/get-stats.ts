import { rollUp, type CircuitState } from '../domain/circuit-breaker.js';
import { fleetLoad, summarizeRecent, type RecentActivity } from '../domain/stats.js';
import { deadlineCompliance, priorityInversions, type DeadlineCompliance } from '../domain/dispatch-quality.js';
import { poolsFor } from '../domain/routing.js';
import type { TaskStatus } from '../domain/task-status.js';
import { isOnline } from '../domain/agent.js';
import type { AgentStore } from '../ports/agent-store.js';
import type { CircuitStore } from '../ports/circuit-store.js';
import type { QueueDepth, QueueStats } from '../ports/queue-stats.js';
import type { TaskCounters } from '../ports/task-counters.js';
import type { TaskQueries } from '../ports/task-queries.js';
import type { Pool } from '../topology/topology.js';
import type { RateLimitStore } from '../ports/rate-limits.js';
import { listRateLimits, type RateLimitView } from './rate-limits.js';

export interface Stats {
  /** Depths of the shared queues and their DLQs: an operator token only. */
  readonly queues?: readonly QueueDepth[];
  readonly tasks: Readonly<Record<TaskStatus, number>>;
  /** Each pool's circuits (one per tenant × task type), summed up as the worst of them: an operator token only. */
  readonly circuits?: Readonly<Record<string, CircuitState>>;
  /** Each pool's circuit cool-down: an OPEN circuit probes again `since` + this (the dashboard shows it). */
  readonly circuitCooldownSeconds: Readonly<Record<string, number>>;
  /** The tenant's registered agents, and the load of the online ones. */
  readonly workers: { readonly online: number; readonly offline: number } & ReturnType<typeof fleetLoad> & {
    /** Each agent pool's online agents (those that could take its work): utilisation and its CV. */
    readonly pools: Readonly<Record<string, { readonly agents: number; readonly utilisation: number; readonly utilisationCv: number }>>;
  };
  readonly recent: RecentActivity & {
    /** Of the sampled tasks with a deadline that started or expired: how many started in time. */
    readonly deadlines: DeadlineCompliance;
    /** Sampled tasks that started ahead of a waiting, better-ranked task of the same pool and type (see priorityInversions). */
    readonly priorityInversions: number;
  };
  /** The tenant's rate limits and what each uses now (tokens of the current bucket). */
  readonly rateLimits?: readonly RateLimitView[];
  readonly at: string;
}

/** How many recent tasks the throughput and queue-time figures are taken over. */
const SAMPLE = 500;

/**
 * What `GET /stats` shows: the tenant's counts by status and agents online, and
 * throughput and queue-time percentiles over the tenant's most recent tasks.
 * For an operator also the pool-wide figures: queue and DLQ depths per pool ×
 * priority (shared by every tenant, so they would reveal other tenants' load)
 * and each pool's circuit.
 */
export async function getStats(
  deps: {
    counters: TaskCounters;
    queries: Pick<TaskQueries, 'list'>;
    queueStats: QueueStats;
    circuits: CircuitStore;
    agents: Pick<AgentStore, 'list'>;
    pools: readonly Pool[];
    now: () => Date;
    rates?: RateLimitStore;
  },
  tenant: string,
  options: { operator: boolean } = { operator: false },
): Promise<Stats> {
  const now = deps.now();
  const rateLimits = deps.rates !== undefined ? listRateLimits({ rates: deps.rates, now: deps.now }, tenant) : undefined;
  const [queues, tasks, circuits, recent, agents] = await Promise.all([
    options.operator ? deps.queueStats.depths() : undefined,
    deps.counters.read(tenant),
    options.operator ? Promise.all(deps.pools.map(async (pool) => [pool.name, rollUp(await deps.circuits.list(pool.name))] as const)) : undefined,
    deps.queries.list({ tenant, limit: SAMPLE }),
    deps.agents.list(tenant),
  ]);
  const onlineAgents = agents.filter((a) => isOnline(a, now));
  const byPool = Object.fromEntries(
    deps.pools
      .filter((pool) => pool.runsOn === 'agents')
      .map((pool) => {
        const serving = onlineAgents.filter((a) => poolsFor(deps.pools, a.capabilities).includes(pool));
        const load = fleetLoad(serving, now);
        return [pool.name, { agents: serving.length, utilisation: load.utilisation, utilisationCv: load.utilisationCv }] as const;
      })
      .filter(([, load]) => load.agents > 0),
  );
  const workers = { online: onlineAgents.length, offline: agents.length - onlineAgents.length, ...fleetLoad(onlineAgents, now), pools: byPool };
  const circuitCooldownSeconds = Object.fromEntries(deps.pools.map((pool) => [pool.name, pool.circuit.cooldownSeconds]));
  return {
    ...(queues !== undefined ? { queues } : {}),
    tasks,
    ...(circuits !== undefined ? { circuits: Object.fromEntries(circuits) } : {}),
    circuitCooldownSeconds,
    workers,
    recent: { ...summarizeRecent(recent.items, now), deadlines: deadlineCompliance(recent.items), priorityInversions: priorityInversions(recent.items) },
    ...(rateLimits !== undefined ? { rateLimits: await rateLimits } : {}),
    at: now.toISOString(),
  };
}

import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { toFieldErrors } from '../domain/task-input.js';
import { rollUp, type CircuitState } from '../domain/circuit-breaker.js';
import { fleetLoad } from '../domain/stats.js';
import { recentFigures, seriesOf, type RecentFigures, type SeriesPoint } from '../domain/minute-aggregates.js';
import { poolsFor } from '../domain/routing.js';
import type { TaskStatus } from '../domain/task-status.js';
import { isOnline } from '../domain/agent.js';
import type { AgentStore } from '../ports/agent-store.js';
import type { CircuitStore } from '../ports/circuit-store.js';
import type { QueueDepth, QueueStats } from '../ports/queue-stats.js';
import type { TaskCounters } from '../ports/task-counters.js';
import type { MinuteAggregates } from '../ports/minute-aggregates.js';
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
  /** Over the last few minutes, from the per-minute aggregates: finished, retried, queue time per priority, deadlines. */
  readonly recent: RecentFigures;
  /** Every minute of the window (an hour, or a day), oldest first: the dashboard's charts. */
  readonly series: {
    readonly window: StatsWindow;
    readonly minutes: readonly SeriesPoint[];
    /** Queue time per priority over the whole window (the minutes' sketches merged). */
    readonly queueTimeByPriority: RecentFigures['queueTimeByPriority'];
  };
  /** The tenant's rate limits and what each uses now (tokens of the current bucket). */
  readonly rateLimits?: readonly RateLimitView[];
  readonly at: string;
}

/** How many minutes the recent figures (throughput, queue-time percentiles) are taken over. */
const RECENT_MINUTES = 5;

export const STATS_WINDOWS = { hour: 60, day: 1440 } as const;
export type StatsWindow = keyof typeof STATS_WINDOWS;

export const statsQuery = z.object({ window: z.enum(['hour', 'day']).default('hour') });

/** `GET /stats?window=hour|day`: anything else is a 400 naming `window`. */
export function parseStatsWindow(params: Readonly<Record<string, string | undefined>>): StatsWindow {
  const parsed = statsQuery.safeParse(params);
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error));
  return parsed.data.window;
}

/**
 * What `GET /stats` shows: the tenant's counts by status and agents online, and
 * throughput and queue-time percentiles from the per-minute aggregates the stream
 * consumer keeps. It reads no task history: counters, one query of the window's
 * minutes, the agents, so its cost does not grow with the tenant's task count.
 * For an operator also the pool-wide figures: queue and DLQ depths per pool ×
 * priority (shared by every tenant, so they would reveal other tenants' load)
 * and each pool's circuit.
 */
export async function getStats(
  deps: {
    counters: TaskCounters;
    aggregates: MinuteAggregates;
    queueStats: QueueStats;
    circuits: CircuitStore;
    agents: Pick<AgentStore, 'list'>;
    pools: readonly Pool[];
    now: () => Date;
    rates?: RateLimitStore;
  },
  tenant: string,
  options: { operator: boolean; window?: StatsWindow } = { operator: false },
): Promise<Stats> {
  const now = deps.now();
  const window = options.window ?? 'hour';
  const windowMinutes = STATS_WINDOWS[window];
  const rateLimits = deps.rates !== undefined ? listRateLimits({ rates: deps.rates, now: deps.now }, tenant) : undefined;
  const [queues, tasks, circuits, recent, agents] = await Promise.all([
    options.operator ? deps.queueStats.depths() : undefined,
    deps.counters.read(tenant),
    options.operator ? Promise.all(deps.pools.map(async (pool) => [pool.name, rollUp(await deps.circuits.list(pool.name))] as const)) : undefined,
    deps.aggregates.read(tenant, new Date(now.getTime() - (windowMinutes - 1) * 60_000)),
    deps.agents.list(tenant),
  ]);
  const onlineAgents = agents.filter((a) => isOnline(a, now));
  const byPool = Object.fromEntries(
    deps.pools
      .filter((pool) => pool.runsOn === 'agents')
      .map((pool) => {
        const serving = onlineAgents.filter((a) => poolsFor(deps.pools, a.capabilities).includes(pool));
        const load = fleetLoad(serving);
        return [pool.name, { agents: serving.length, utilisation: load.utilisation, utilisationCv: load.utilisationCv }] as const;
      })
      .filter(([, load]) => load.agents > 0),
  );
  const workers = { online: onlineAgents.length, offline: agents.length - onlineAgents.length, ...fleetLoad(onlineAgents), pools: byPool };
  const circuitCooldownSeconds = Object.fromEntries(deps.pools.map((pool) => [pool.name, pool.circuit.cooldownSeconds]));
  return {
    ...(queues !== undefined ? { queues } : {}),
    tasks,
    ...(circuits !== undefined ? { circuits: Object.fromEntries(circuits) } : {}),
    circuitCooldownSeconds,
    workers,
    recent: recentFigures(recent.minutes, now, RECENT_MINUTES),
    series: { window, minutes: seriesOf(recent.minutes, recent.waiting, now, windowMinutes), queueTimeByPriority: recentFigures(recent.minutes, now, windowMinutes).queueTimeByPriority },
    ...(rateLimits !== undefined ? { rateLimits: await rateLimits } : {}),
    at: now.toISOString(),
  };
}

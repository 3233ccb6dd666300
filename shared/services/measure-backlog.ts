import { maxByPriority, oldestWaitingSeconds } from '../domain/backlog.js';
import { PRIORITIES, type Priority } from '../domain/priority.js';
import type { PoolBacklog, ReadyTenants } from '../ports/backlog.js';
import type { TaskQueries } from '../ports/task-queries.js';

export interface BacklogDeps {
  readonly queries: Pick<TaskQueries, 'ready'>;
  readonly readyTenants: ReadyTenants;
  /** The `runsOn: 'agents'` pools: their tasks wait in ready sets, not on SQS. */
  readonly agentPools: readonly string[];
  readonly now: () => Date;
}

/**
 * Tasks read from the head of each ready-set shard: the top 8 a lease call reads,
 * so the figure is the backlog the scheduler sees. A query of 8 projected items
 * (~2.5 KB) is 0.5 read units (eventually consistent): 16 shards = 8 RU per
 * tenant × pool per sweep.
 */
export const BACKLOG_HEAD = 8;
/** A mark that lapses within a day is renewed while its tenant's work still waits. */
const RENEW_WITHIN_MS = 24 * 3600_000;
/** Tenants read at once, per pool. */
const CONCURRENCY = 8;

/**
 * The oldest waiting task per agent pool × priority, for the stack's backlog
 * alarms (the agent-pool twin of SQS's ApproximateAgeOfOldestMessage). Reads the
 * heads of the ready sets of the tenants marked as having work in each pool.
 *
 * Known limit: the ready order is a virtual time (priority offset + age), so a
 * task of one priority sitting behind more than the head's worth of older-keyed
 * tasks of another in its shard is not seen until those are served. A stuck pool
 * still alarms: the tasks at the head age past their own priority's SLA.
 */
export async function measureBacklog(deps: BacklogDeps): Promise<PoolBacklog[]> {
  const now = deps.now();
  return Promise.all(
    deps.agentPools.map(async (pool) => {
      const tenants = await deps.readyTenants.list(pool, now);
      let oldest = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
      let seen = 0;
      for (let start = 0; start < tenants.length; start += CONCURRENCY) {
        await Promise.all(
          tenants.slice(start, start + CONCURRENCY).map(async (mark) => {
            const ready = await deps.queries.ready(mark.tenant, pool, BACKLOG_HEAD);
            seen += ready.length;
            oldest = maxByPriority(oldest, oldestWaitingSeconds(ready, now));
            if (ready.length > 0 && Date.parse(mark.expiresAt) - now.getTime() < RENEW_WITHIN_MS) {
              await deps.readyTenants.mark([{ tenant: mark.tenant, pool }], now);
            }
          }),
        );
      }
      return { pool, oldestSeconds: oldest, tenants: tenants.length, seen };
    }),
  );
}

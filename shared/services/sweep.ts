import { leaseCheck, leasesToCheck, type Agent } from '../domain/agent.js';
import type { Due } from '../domain/task.js';
import type { AgentStore } from '../ports/agent-store.js';
import type { TaskQueries } from '../ports/task-queries.js';
import { secondsUntil, settleAbandoned, settleLapsed, type DeliveryDeps } from './claim-delivery.js';
import { isInvalidTransition } from './task-lifecycle.js';

export interface SweepDeps extends DeliveryDeps {
  readonly queries: Pick<TaskQueries, 'due' | 'legacyLeaseTimers'>;
  readonly warn: (message: string, details: Record<string, unknown>) => void;
  /** The agents holding leases, and their records' lease entries: how agents' attempts are watched. */
  readonly agents?: Pick<AgentStore, 'leaseHolders' | 'update' | 'recheck' | 'markIdle'>;
}

export type SweepReport = Readonly<Record<Due['kind'] | 'lease', number>>;

/** Timers handled per kind per run: a run stays short; the next picks up the rest. */
const LIMIT = 200;

/**
 * The scheduled sweep over the `due` index: every timer whose time has come is
 * acted on, through the lifecycle, and cleared or moved. Each action is safe to
 * repeat, so two sweeps at once (or one a crash cut short) do no harm:
 * - `delay`: a Lambda-pool task held past SQS's 15 minutes goes on its queue;
 * - `deadline`: an agent-pool task still PENDING at its deadline expires;
 * - `follow`: a completion's next stage is created (again) and queued.
 * Then the agents holding leases (`lease` in the report): each lease entry
 * whose check is due is held against its task (see `leaseCheck`).
 */
export async function sweepDue(deps: SweepDeps): Promise<SweepReport> {
  const now = deps.now();
  const kinds: Due['kind'][] = ['delay', 'deadline', 'follow'];
  const counts = await Promise.all([
    ...kinds.map(async (kind) => {
      const due = await deps.queries.due(kind, now, LIMIT);
      let acted = 0;
      for (const { tenant, id } of due) {
        try {
          if (await act(deps, kind, tenant, id)) acted++;
        } catch (error) {
          deps.warn('sweep could not act on a timer; the next run will retry', { kind, tenant, taskId: id, error: String(error) });
        }
      }
      return [kind, acted] as const;
    }),
    Promise.all([checkLeases(deps), settleLegacyLeaseTimers(deps)]).then(([acted, legacy]) => ['lease', acted + legacy] as const),
  ]);
  return Object.fromEntries(counts) as SweepReport;
}

async function act(deps: SweepDeps, kind: Due['kind'], tenant: string, id: string): Promise<boolean> {
  const task = await deps.records.get(tenant, id);
  if (task === undefined || task.due?.kind !== kind) return false;
  const { lifecycle } = deps;
  const now = deps.now();
  try {
    switch (kind) {
      case 'delay':
        if (task.status === 'PENDING') {
          const { failed } = await lifecycle.enqueue([task]);
          if (failed > 0) return false;
        }
        return lifecycle.retime(task, undefined);
      case 'deadline':
        if (task.status !== 'PENDING') return lifecycle.retime(task, undefined);
        if (task.deadline !== undefined && Date.parse(task.deadline) <= now.getTime()) {
          await lifecycle.move(tenant, id, { type: 'expire' }, { seen: task });
          return true;
        }
        return false;
      case 'follow':
        if (task.status !== 'COMPLETED') return lifecycle.retime(task, undefined);
        await lifecycle.followThrough(task);
        return true;
    }
  } catch (error) {
    if (isInvalidTransition(error)) return false;
    throw error;
  }
}

/**
 * A stack upgraded with agent tasks running holds a `lease` timer for each (how
 * they were watched before): each is settled once it lapsed, or cleared once its
 * task left ACTIVE, so none is left unwatched whose agent never calls again.
 */
async function settleLegacyLeaseTimers(deps: SweepDeps): Promise<number> {
  let settled = 0;
  for (const { tenant, id } of (await deps.queries.legacyLeaseTimers?.(deps.now(), LIMIT)) ?? []) {
    try {
      const task = await deps.records.get(tenant, id);
      if (task === undefined) continue;
      if (task.status !== 'ACTIVE') await deps.lifecycle.retime(task, undefined);
      else if (secondsUntil(task.leaseExpiresAt, deps.now()) <= 0) {
        await settleLapsed(deps, task);
        settled++;
      }
    } catch (error) {
      if (!isInvalidTransition(error)) deps.warn('sweep could not settle a lease timer; the next run will retry', { tenant, taskId: id, error: String(error) });
    }
  }
  return settled;
}

/** Every lease holder's due entries; the attempts found lost are settled. Returns how many were. */
async function checkLeases(deps: SweepDeps): Promise<number> {
  if (deps.agents === undefined) return 0;
  let settled = 0;
  for (const agent of await deps.agents.leaseHolders()) {
    try {
      settled += await checkAgent(deps, deps.agents, agent);
    } catch (error) {
      deps.warn("sweep could not check an agent's leases; the next run will retry", { tenant: agent.tenant, agentId: agent.id, error: String(error) });
    }
  }
  return settled;
}

/**
 * One agent's leases whose check is due (all of them once it has been silent
 * for AGENT_LOST_AFTER_SECONDS), each held against its task as read now: an
 * entry whose task is not this agent's attempt goes; a lapsed lease, or one
 * whose agent is presumed dead (SIGKILLed, its host gone), is a lost attempt
 * (its lease-ended effect drops the entry); a live one is looked at again later.
 * An agent holding nothing leaves the sweep's list.
 */
async function checkAgent(deps: SweepDeps, agents: NonNullable<SweepDeps['agents']>, agent: Agent): Promise<number> {
  if (Object.keys(agent.leases).length === 0) {
    await agents.markIdle(agent.tenant, agent.id);
    return 0;
  }
  const due = leasesToCheck(agent, deps.now());
  if (due.length === 0) return 0;
  const tasks = new Map((await deps.records.getMany(agent.tenant, due.map((l) => l.taskId))).map((t) => [t.id, t]));
  const drop: string[] = [];
  let settled = 0;
  for (const lease of due) {
    const task = tasks.get(lease.taskId);
    const check = leaseCheck(task, agent, deps.now());
    try {
      if (check.kind === 'drop') drop.push(lease.taskId);
      else if (check.kind === 'recheck') await agents.recheck(agent.tenant, agent.id, lease.taskId, check.at);
      else if (task !== undefined) {
        // Refused when the attempt moved meanwhile (a heartbeat, the agent heard from): the next run looks again.
        await (check.kind === 'lapsed' ? settleLapsed(deps, task) : settleAbandoned(deps, task, check.silentSeconds));
        settled++;
      }
    } catch (error) {
      if (!isInvalidTransition(error)) throw error;
    }
  }
  if (drop.length > 0) await agents.update(agent.tenant, agent.id, { drop });
  return settled;
}

import { AGENT_LOST_AFTER_SECONDS, leaseCheckAt } from '../domain/agent.js';
import type { Due, Task } from '../domain/task.js';
import type { AgentStore } from '../ports/agent-store.js';
import type { TaskQueries } from '../ports/task-queries.js';
import { secondsUntil, settleAbandoned, settleLapsed, type DeliveryDeps } from './claim-delivery.js';
import { isInvalidTransition } from './task-lifecycle.js';

export interface SweepDeps extends DeliveryDeps {
  readonly queries: Pick<TaskQueries, 'due'>;
  readonly warn: (message: string, details: Record<string, unknown>) => void;
  /** To tell a silent agent's leases from live ones; without it a lease is only ever lost by lapsing. */
  readonly agents?: Pick<AgentStore, 'get'>;
}

export type SweepReport = Readonly<Record<Due['kind'], number>>;

/** Timers handled per kind per run: a run stays short; the next picks up the rest. */
const LIMIT = 200;

/**
 * The scheduled sweep over the `due` index: every timer whose time has come is
 * acted on, through the lifecycle, and cleared or moved. Each action is safe to
 * repeat, so two sweeps at once (or one a crash cut short) do no harm:
 * - `delay`: a Lambda-pool task held past SQS's 15 minutes goes on its queue;
 * - `deadline`: an agent-pool task still PENDING at its deadline expires;
 * - `lease`: an agent's attempt whose lease lapsed, or whose agent has been silent
 *   for AGENT_LOST_AFTER_SECONDS, fails (retry or dead letter); one still alive has
 *   its timer moved to its next check;
 * - `follow`: a completion's next stage is created (again) and queued.
 */
export async function sweepDue(deps: SweepDeps): Promise<SweepReport> {
  const now = deps.now();
  const kinds: Due['kind'][] = ['delay', 'deadline', 'lease', 'follow'];
  const counts = await Promise.all(
    kinds.map(async (kind) => {
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
  );
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
      case 'lease':
        if (task.status !== 'ACTIVE') return lifecycle.retime(task, undefined);
        if (secondsUntil(task.leaseExpiresAt, now) <= 0) {
          await settleLapsed(deps, task);
          return true;
        }
        return checkAgent(deps, task, now);
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
 * A lease that has not lapsed: its agent's last sign of life (a heartbeat, a lease
 * call, or a write on the task: start, heartbeat, progress) decides. Silent too
 * long, the agent is presumed dead (SIGKILLed, its host gone) and the attempt
 * lost now, not when the lease would lapse; otherwise the timer moves on.
 */
async function checkAgent(deps: SweepDeps, task: Task, now: Date): Promise<boolean> {
  const leaseEnd = task.leaseExpiresAt as string;
  if (deps.agents === undefined || task.worker === undefined) return deps.lifecycle.retime(task, { kind: 'lease', at: leaseEnd });
  const agent = await deps.agents.get(task.tenant, task.worker);
  const lastHeard = Math.max(Date.parse(task.updatedAt), agent === undefined ? 0 : Date.parse(agent.lastSeenAt));
  const silentSeconds = (now.getTime() - lastHeard) / 1000;
  if (silentSeconds < AGENT_LOST_AFTER_SECONDS) return deps.lifecycle.retime(task, { kind: 'lease', at: leaseCheckAt(leaseEnd, lastHeard) });
  // Heard from meanwhile (settleAbandoned refuses then): the timer stays due, the next run moves it.
  await settleAbandoned(deps, task, silentSeconds);
  return true;
}

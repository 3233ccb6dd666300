import type { Due } from '../domain/task.js';
import type { TaskQueries } from '../ports/task-queries.js';
import { secondsUntil, settleLapsed, type DeliveryDeps } from './claim-delivery.js';
import { isInvalidTransition } from './task-lifecycle.js';

export interface SweepDeps extends DeliveryDeps {
  readonly queries: Pick<TaskQueries, 'due'>;
  readonly warn: (message: string, details: Record<string, unknown>) => void;
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
 * - `lease`: an agent's attempt whose lease lapsed fails (retry or dead letter);
 *   one that was extended has its timer moved to the new end;
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
        if (secondsUntil(task.leaseExpiresAt, now) > 0) return lifecycle.retime(task, { kind: 'lease', at: task.leaseExpiresAt as string });
        await settleLapsed(deps, task);
        return true;
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

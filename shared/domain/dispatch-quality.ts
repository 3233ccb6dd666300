import { priorityRank, type Priority } from './priority.js';
import { candidateRank } from './scheduling/order.js';
import type { TaskStatus } from './task-status.js';

/** What these figures need of a recent task. */
export interface DispatchSample {
  readonly id: string;
  readonly pool: string;
  readonly type: string;
  readonly priority: Priority;
  readonly status: TaskStatus;
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly deadline?: string;
}

export interface DeadlineCompliance {
  /** Sampled tasks with a deadline that started or expired. */
  readonly decided: number;
  /** Of those, started by their deadline. */
  readonly met: number;
  /** met / decided, 0…1 (1 when none decided). */
  readonly share: number;
}

/** Of the sampled tasks with a deadline whose fate is known: how many started in time. */
export function deadlineCompliance(tasks: readonly DispatchSample[]): DeadlineCompliance {
  let decided = 0;
  let met = 0;
  for (const t of tasks) {
    if (t.deadline === undefined) continue;
    if (t.startedAt !== undefined) {
      decided++;
      if (Date.parse(t.startedAt) <= Date.parse(t.deadline)) met++;
    } else if (t.status === 'EXPIRED') decided++;
  }
  return { decided, met, share: decided === 0 ? 1 : Math.round((met / decided) * 1000) / 1000 };
}

/**
 * Observed priority inversions in a sample: a task that started while a task
 * of the same pool and type (a stand-in for "could have run on the same agent")
 * with a better effective priority — aging and due deadlines counted — was
 * already waiting and started later or not yet. The records do not say which
 * agents could run what, so this can count a case the scheduler had a reason
 * for (the waiting task did not fit); the agent benchmark measures the exact figure.
 */
export function priorityInversions(tasks: readonly DispatchSample[]): number {
  const groups = new Map<string, DispatchSample[]>();
  for (const t of tasks) {
    const key = `${t.pool}\u0000${t.type}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  let inversions = 0;
  for (const group of groups.values()) {
    for (const started of group) {
      if (started.startedAt === undefined) continue;
      const at = new Date(started.startedAt);
      const rankThen = candidateRank({ priority: started.priority, enqueuedAt: started.createdAt, ...(started.deadline ? { deadline: started.deadline } : {}) }, at);
      const overtook = group.some(
        (waiting) =>
          waiting !== started &&
          priorityRank(waiting.priority) < priorityRank(started.priority) &&
          Date.parse(waiting.createdAt) < at.getTime() &&
          (waiting.startedAt === undefined ? waiting.status === 'PENDING' : Date.parse(waiting.startedAt) > at.getTime()) &&
          candidateRank({ priority: waiting.priority, enqueuedAt: waiting.createdAt, ...(waiting.deadline ? { deadline: waiting.deadline } : {}) }, at) < rankThen,
      );
      if (overtook) inversions++;
    }
  }
  return inversions;
}

import type { Task } from '../domain/task.js';
import type { AgentStore } from '../ports/agent-store.js';
import type { ReadySignal } from '../ports/ready-signal.js';

/**
 * The lifecycle's `leaseEnded` effect: an agent's attempt ended (completed,
 * failed, released, cancelled, lapsed), so its slot is free at once. An agent
 * that reports its ended tasks in its next lease call (`finished`, see
 * agents.ts) has that call free it, in the write the call makes anyway: its
 * record is not written here, one write fewer per task.
 */
export function freeAgentSlot(agents: Pick<AgentStore, 'removeLease'>, signal: Pick<ReadySignal, 'notifyAgent'>): (task: Task) => Promise<void> {
  return async (task) => {
    if (task.worker === undefined) return;
    if (task.lease?.endReported !== true) await agents.removeLease(task.tenant, task.worker, task.id).catch(() => undefined);
    // Its long poll, if it has one waiting here, sees the room now rather than at its next re-read.
    signal.notifyAgent(task.tenant, task.worker);
  };
}

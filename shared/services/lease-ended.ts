import type { Task } from '../domain/task.js';
import type { AgentStore } from '../ports/agent-store.js';
import type { ReadySignal } from '../ports/ready-signal.js';

/**
 * The lifecycle's `leaseEnded` effect: an agent's attempt ended (completed,
 * failed, released, cancelled, lapsed), so its slot is free at once. An agent
 * that reports its ended tasks in its next lease call (`finished`, see
 * agents.ts) has that call free it, in the write the call makes anyway: its
 * record is only read here (a read unit instead of a write unit per task), and
 * written only when the task took resources (cpu, gpu, memory) and a lease call
 * of the agent may be waiting now (`waitingUntil`), whose re-reads must see
 * the room (it may wait 20 s, and in another process no signal reaches it). A
 * slot alone needs neither: a waiting call asks for no more tasks than the
 * agent had free slots when it started. A call that starts waiting just after
 * the read leaves the room held until the agent's next call: later, never more
 * than the agent has.
 */
export function freeAgentSlot(agents: Pick<AgentStore, 'update' | 'get'>, signal: Pick<ReadySignal, 'notifyAgent'>, now: () => Date): (task: Task) => Promise<void> {
  return async (task) => {
    if (task.worker === undefined) return;
    const worker = task.worker;
    const write = task.lease?.endReported !== true || (task.resources !== undefined && (await isWaiting(agents, task.tenant, worker, now())));
    if (write) await agents.update(task.tenant, worker, { drop: [task.id] }).catch(() => undefined);
    // Its long poll, if it has one waiting here, sees the room now rather than at its next re-read.
    signal.notifyAgent(task.tenant, task.worker);
  };
}

async function isWaiting(agents: Pick<AgentStore, 'get'>, tenant: string, id: string, now: Date): Promise<boolean> {
  const agent = await agents.get(tenant, id).catch(() => undefined);
  // Unreadable: write, to be safe.
  if (agent === undefined) return true;
  return agent.waitingUntil !== undefined && Date.parse(agent.waitingUntil) > now.getTime();
}

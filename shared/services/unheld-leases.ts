import type { Agent } from '../domain/agent.js';
import type { Task } from '../domain/task.js';
import type { Guard, TaskLifecycle } from './task-lifecycle.js';
import { isInvalidTransition } from './task-lifecycle.js';
import type { TaskRecords } from '../ports/task-records.js';

/**
 * How old a lease must be before an agent that does not list it is believed.
 * Longer than a lease call can take to answer (a 20 s long poll inside API
 * Gateway's 29 s), so a lease still on its way to the agent is never taken back.
 */
export const UNHELD_LEASE_AFTER_SECONDS = 60;

/**
 * A lease call can claim a task and then fail to answer (the API restarted, a
 * timeout, the connection dropped): the task is ACTIVE on an agent that never
 * heard of it, and that agent is alive, so neither its silence nor its heartbeat
 * tells. Left alone it waits out the whole lease (the task's timeout), and it
 * takes one of the agent's slots meanwhile. So an agent's heartbeat may list the
 * tasks it is running; a lease it holds that is not listed, older than
 * UNHELD_LEASE_AFTER_SECONDS and never touched since its start (no heartbeat,
 * no progress) is handed back, as a release: the agent never ran it, so no
 * attempt is counted. Returns the ids handed back.
 */
export async function releaseUnheldLeases(
  deps: { lifecycle: TaskLifecycle; records: Pick<TaskRecords, 'getMany'>; now: () => Date },
  agent: Agent,
  running: readonly string[],
): Promise<string[]> {
  const listed = new Set(running);
  const unlisted = Object.keys(agent.leases).filter((id) => !listed.has(id));
  if (unlisted.length === 0) return [];
  const now = deps.now().getTime();
  const tasks = await deps.records.getMany(agent.tenant, unlisted);
  const released: string[] = [];
  for (const task of tasks) {
    if (!isUnheld(task, agent, now)) continue;
    // Still the same attempt, untouched: anything else means the agent has it after all.
    const untouched: Guard = (t) => {
      if (!isUnheld(t, agent, now) || t.lease?.token !== task.lease?.token) throw new NotUnheld();
    };
    try {
      await deps.lifecycle.move(task.tenant, task.id, { type: 'release' }, { seen: task, guard: untouched });
      released.push(task.id);
    } catch (error) {
      if (!(error instanceof NotUnheld) && !isInvalidTransition(error)) throw error;
    }
  }
  return released;
}

function isUnheld(task: Task | undefined, agent: Agent, now: number): task is Task {
  if (task === undefined || task.status !== 'ACTIVE' || task.worker !== agent.id || task.lease === undefined || task.startedAt === undefined) return false;
  return task.updatedAt === task.startedAt && now - Date.parse(task.startedAt) > UNHELD_LEASE_AFTER_SECONDS * 1000;
}

class NotUnheld extends Error {
  constructor() {
    super('the agent holds this lease after all');
  }
}

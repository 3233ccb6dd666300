/** A task's story from its events: pure, so the unit tests read it without a browser. */

export interface TaskEvent { id: string; type: string; at: string; task?: { id: string; attempts: number; worker?: string; queueTimeMs?: number; runTimeMs?: number; error?: { message?: string; stack?: string; type?: string } } }

export interface Attempt { n: number; worker?: string; startedAt?: string; endedAt?: string; outcome: string; runTimeMs?: number; queueTimeMs?: number; error?: { message?: string; stack?: string; type?: string } }

/**
 * The task's attempts, told by its events: each `task.started` opens one (its
 * `attempts` is the attempt's number), the next retrying / completed / failed /
 * cancelled / expired closes it with its run time and error. The record keeps only
 * the last error; the event log keeps each one.
 */
export function attemptsOf(events: readonly TaskEvent[]): Attempt[] {
  const attempts: Attempt[] = [];
  for (const e of events) {
    if (e.type === 'task.created') continue;
    // Sent beside task.failed: the same end, now in its dead-letter queue.
    if (e.type === 'task.dead_lettered') {
      const last = attempts[attempts.length - 1];
      if (last !== undefined) last.outcome = `${last.outcome}, dead-lettered`;
      continue;
    }
    const outcome = e.type.replace(/^task\./, '');
    if (e.type === 'task.started') {
      attempts.push({ n: e.task?.attempts ?? attempts.length + 1, ...(e.task?.worker !== undefined ? { worker: e.task.worker } : {}), startedAt: e.at, outcome: 'running', ...(e.task?.queueTimeMs !== undefined ? { queueTimeMs: e.task.queueTimeMs } : {}) });
      continue;
    }
    const open = attempts[attempts.length - 1];
    const closing = open !== undefined && open.outcome === 'running' ? open : undefined;
    const ended = { endedAt: e.at, outcome, ...(e.task?.runTimeMs !== undefined ? { runTimeMs: e.task.runTimeMs } : {}), ...(e.task?.error !== undefined ? { error: e.task.error } : {}) };
    if (closing !== undefined) Object.assign(closing, ended);
    else attempts.push({ n: e.task?.attempts ?? attempts.length, ...ended });
  }
  return attempts;
}


const ENDS: Readonly<Record<string, string>> = { COMPLETED: 'task.completed', FAILED: 'task.failed', CANCELLED: 'task.cancelled', EXPIRED: 'task.expired' };

/**
 * Whether the log already tells the task's story up to its status: events come
 * from the table's stream and trail the record, so a finished task's page keeps
 * asking until its ending event is in.
 */
export function storyComplete(status: string, events: readonly TaskEvent[]): boolean {
  const end = ENDS[status];
  return end !== undefined && events.some((e) => e.type === end);
}

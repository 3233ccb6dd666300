import { TERMINAL_STATUSES } from '../shared/domain/task-status.js';

/**
 * The counting of a fault run (bench/fault-run.ts), pure so a test can check it:
 * where every accepted task ended, and which ran more than once and why.
 */

const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_STATUSES);

/** What `GET /tasks/{id}` answered at the end (undefined: 404, lost). */
export interface FinalView {
  readonly id: string;
  readonly type: string;
  readonly pool: string;
  readonly status: string;
  readonly attempts: number;
  readonly maxAttempts: number;
}

/** One agent process of the run: the tasks it leased and the ones it finished. */
export interface AgentRecord {
  readonly pid: number;
  readonly leased: ReadonlySet<string>;
  readonly finished: ReadonlySet<string>;
  /** It exited (SIGKILLed, or gave up) while the run went on. */
  readonly died: boolean;
}

/**
 * A task with more than one attempt, or run by more than one agent. `lost lease
 * answer`: an agent task claimed for an agent that never got the answer (it died
 * during its long poll, or the restart cut the answer off), so it ran once.
 */
export interface RunTwice {
  readonly id: string;
  readonly attempts: number;
  readonly agents: number;
  /** Why, when the run's faults explain it; undefined when nothing does. `timeout`: an attempt ran out of time (the log says so) and was retried. */
  readonly explainedBy?: 'killed agent' | 'restart' | 'lost lease answer' | 'timeout';
}

export interface FaultCounts {
  readonly accepted: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly finished: number;
  readonly lost: readonly string[];
  readonly stuck: readonly string[];
  readonly ranTwice: readonly RunTwice[];
}

/**
 * `plannedFailures`: task types that fail on purpose (their retries are the plan,
 * not a re-run). `restarts`: how many times the stack was SIGKILLed mid-run; each
 * can cut off at most one in-process Lambda attempt of a task. `timedOut`: per task,
 * how many of its attempts the event log shows ending in a timeout (a loaded machine
 * can push a Lambda attempt past its limit: retried, as it must be).
 */
export function countFaultRun(
  ids: readonly string[],
  views: ReadonlyMap<string, FinalView | undefined>,
  agents: readonly AgentRecord[],
  options: { plannedFailures: ReadonlySet<string>; agentPools: ReadonlySet<string>; restarts: number; timedOut?: ReadonlyMap<string, number> },
): FaultCounts {
  const byStatus: Record<string, number> = {};
  const lost: string[] = [];
  const stuck: string[] = [];
  const ranTwice: RunTwice[] = [];
  for (const id of ids) {
    const view = views.get(id);
    if (view === undefined) {
      lost.push(id);
      continue;
    }
    byStatus[view.status] = (byStatus[view.status] ?? 0) + 1;
    if (!TERMINAL.has(view.status)) stuck.push(id);
    if (options.plannedFailures.has(view.type)) continue;
    // An agent task runs once per agent that got it (an attempt whose lease answer was lost never ran);
    // a Lambda task once per attempt.
    const holders = agents.filter((a) => a.leased.has(id));
    const onAgents = options.agentPools.has(view.pool);
    if (view.attempts <= 1 && holders.length <= 1) continue;
    const faults = options.restarts > 0 || agents.some((a) => a.died);
    const timeouts = options.timedOut?.get(id) ?? 0;
    const why = !onAgents ? explainLambda(view, options.restarts, timeouts) : holders.length > 1 ? explainAgents(id, holders, options.restarts, timeouts) : faults ? { explainedBy: 'lost lease answer' as const } : {};
    ranTwice.push({ id, attempts: view.attempts, agents: holders.length, ...why });
  }
  const finished = TERMINAL_STATUSES.reduce((sum, s) => sum + (byStatus[s] ?? 0), 0);
  return { accepted: ids.length, byStatus, finished, lost, stuck, ranTwice };
}

/**
 * An agent task ran again with cause when every agent that got it and did not
 * finish it died (SIGKILLed, or gave up), or, at most one per restart, lost its
 * lease when the stack restarted under it.
 */
function explainAgents(id: string, holders: readonly AgentRecord[], restarts: number, timeouts: number): { explainedBy?: RunTwice['explainedBy'] } {
  const left = holders.filter((a) => !a.finished.has(id));
  const alive = left.filter((a) => !a.died).length;
  if (alive === 0) return { explainedBy: 'killed agent' };
  if (alive <= timeouts) return { explainedBy: 'timeout' };
  return alive <= restarts + timeouts ? { explainedBy: 'restart' } : {};
}

/**
 * A Lambda task's extra attempts: one per attempt the log shows timing out, and at
 * most one per restart (nothing else ends an in-process worker's attempt, and its
 * types never fail on their own).
 */
function explainLambda(view: FinalView, restarts: number, timeouts: number): { explainedBy?: RunTwice['explainedBy'] } {
  const extra = view.attempts - 1;
  if (timeouts > 0 && extra <= timeouts) return { explainedBy: 'timeout' };
  return extra <= restarts + timeouts ? { explainedBy: 'restart' } : {};
}

/**
 * Per task, how many of its attempts ended in a timeout: its `task.retrying` events
 * (and a final `task.failed`) whose error says "timed out", each attempt once.
 */
export function timedOutAttempts(logged: readonly LoggedEvent[]): Map<string, number> {
  const attempts = new Map<string, Set<number>>();
  for (const event of logged) {
    const task = event.task;
    if (task === undefined || (event.type !== 'task.retrying' && event.type !== 'task.failed')) continue;
    if (!/timed out/i.test(task.error?.message ?? '')) continue;
    attempts.set(task.id, (attempts.get(task.id) ?? new Set()).add(task.attempts ?? 0));
  }
  return new Map([...attempts].map(([id, set]) => [id, set.size]));
}

/** `accepted N = completed + failed + cancelled + expired; lost 0; stuck 0; ran twice K (…)` */
export function summaryLine(counts: FaultCounts): string {
  const s = (name: string): number => counts.byStatus[name] ?? 0;
  const unexplained = counts.ranTwice.filter((r) => r.explainedBy === undefined).length;
  const why = counts.ranTwice.length === 0 ? '' : unexplained === 0 ? ' (all after a killed agent, restart or timeout)' : ` (${unexplained} NOT explained by a killed agent, restart or timeout)`;
  const sum = counts.finished === counts.accepted ? '=' : '≠';
  return `accepted ${counts.accepted} ${sum} ${s('COMPLETED')} completed + ${s('FAILED')} failed + ${s('CANCELLED')} cancelled + ${s('EXPIRED')} expired; lost ${counts.lost.length}; stuck ${counts.stuck.length}; ran twice ${counts.ranTwice.length}${why}`;
}

/** The run passed: everything accepted finished, and every re-run has a cause. */
export const passed = (counts: FaultCounts): boolean =>
  counts.lost.length === 0 && counts.stuck.length === 0 && counts.finished === counts.accepted && counts.ranTwice.every((r) => r.explainedBy !== undefined);

/** One event as `GET /events` lists it. */
export interface LoggedEvent {
  readonly id: string;
  readonly type: string;
  readonly task?: { readonly id: string; readonly attempts?: number; readonly error?: { readonly message?: string } };
}

/** The events each final status implies exactly once: its creation and its end. */
const ENDING_EVENTS: Readonly<Record<string, readonly string[]>> = {
  COMPLETED: ['task.completed'],
  FAILED: ['task.failed', 'task.dead_lettered'],
  CANCELLED: ['task.cancelled'],
  EXPIRED: ['task.expired'],
};

export interface EventCounts {
  readonly expected: number;
  /** Expected events found in the log (each task × type once). */
  readonly delivered: number;
  /** Expected but not in the log: `<task id> <type>`. */
  readonly missing: readonly string[];
  /** Found in the log more than once (the same task × type, under one id or several). */
  readonly duplicated: readonly string[];
}

/**
 * Events expected from where every task ended (one `task.created`, and its ending
 * events) against the tenant's event log: equal, none missing, none twice — what a
 * crash mid-run must not change (the stream position is kept, a batch applied once).
 */
export function countEvents(views: ReadonlyMap<string, FinalView | undefined>, logged: readonly LoggedEvent[]): EventCounts {
  const seen = new Map<string, number>();
  for (const event of logged) {
    if (event.task === undefined || !views.has(event.task.id)) continue;
    const key = `${event.task.id} ${event.type}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const expectedKeys: string[] = [];
  for (const [id, view] of views) {
    if (view === undefined) continue;
    for (const type of ['task.created', ...(ENDING_EVENTS[view.status] ?? [])]) expectedKeys.push(`${id} ${type}`);
  }
  const missing = expectedKeys.filter((key) => !seen.has(key));
  const duplicated = [...seen].filter(([key, n]) => n > 1 && expectedKeys.includes(key)).map(([key]) => key);
  return { expected: expectedKeys.length, delivered: expectedKeys.length - missing.length, missing, duplicated };
}

/** `/stats` counts against the tasks' own final statuses: the statuses that differ, empty when equal. */
export function counterDifferences(views: ReadonlyMap<string, FinalView | undefined>, shown: Readonly<Record<string, number>>): Record<string, { expected: number; shown: number }> {
  const expected: Record<string, number> = {};
  for (const view of views.values()) if (view !== undefined) expected[view.status] = (expected[view.status] ?? 0) + 1;
  const differences: Record<string, { expected: number; shown: number }> = {};
  for (const status of new Set([...Object.keys(expected), ...Object.keys(shown)])) {
    const e = expected[status] ?? 0;
    const s = shown[status] ?? 0;
    if (e !== s) differences[status] = { expected: e, shown: s };
  }
  return differences;
}

/**
 * The counting of a fault run (bench/fault-run.ts), pure so a test can check it:
 * where every accepted task ended, and which ran more than once and why.
 */

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED']);

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

export interface RunTwice {
  readonly id: string;
  readonly attempts: number;
  readonly agents: number;
  /** Why, when the run's faults explain it; undefined when nothing does. */
  readonly explainedBy?: 'killed agent' | 'restart';
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
 * can cut off at most one in-process Lambda attempt of a task.
 */
export function countFaultRun(
  ids: readonly string[],
  views: ReadonlyMap<string, FinalView | undefined>,
  agents: readonly AgentRecord[],
  options: { plannedFailures: ReadonlySet<string>; restarts: number },
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
    const holders = agents.filter((a) => a.leased.has(id));
    const runs = Math.max(view.attempts, holders.length);
    if (runs <= 1 || options.plannedFailures.has(view.type)) continue;
    ranTwice.push({ id, attempts: view.attempts, agents: holders.length, ...explain(view, holders, options.restarts) });
  }
  const finished = ['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED'].reduce((sum, s) => sum + (byStatus[s] ?? 0), 0);
  return { accepted: ids.length, byStatus, finished, lost, stuck, ranTwice };
}

/**
 * A re-run has a cause when every agent that held the task and did not finish it
 * died (SIGKILLed or gave up), or when its extra attempts are at most one per
 * restart (a Lambda attempt running in the killed stack, or a lease whose answer
 * the restart cut off). Nothing else in the run may make a task run twice.
 */
function explain(view: FinalView, holders: readonly AgentRecord[], restarts: number): { explainedBy?: RunTwice['explainedBy'] } {
  const extra = Math.max(view.attempts, holders.length) - 1;
  const left = holders.filter((a) => !a.finished.has(view.id));
  const deadLeft = left.filter((a) => a.died).length;
  if (holders.length > 0 && deadLeft > 0 && left.length === deadLeft && extra <= deadLeft + restarts) return { explainedBy: 'killed agent' };
  if (restarts > 0 && extra <= deadLeft + restarts) return { explainedBy: 'restart' };
  return {};
}

/** `accepted N = completed + failed + cancelled + expired; lost 0; stuck 0; ran twice K (…)` */
export function summaryLine(counts: FaultCounts): string {
  const s = (name: string): number => counts.byStatus[name] ?? 0;
  const unexplained = counts.ranTwice.filter((r) => r.explainedBy === undefined).length;
  const why = counts.ranTwice.length === 0 ? '' : unexplained === 0 ? ' (all after a killed agent or restart)' : ` (${unexplained} NOT explained by a killed agent or restart)`;
  const sum = counts.finished === counts.accepted ? '=' : '≠';
  return `accepted ${counts.accepted} ${sum} ${s('COMPLETED')} completed + ${s('FAILED')} failed + ${s('CANCELLED')} cancelled + ${s('EXPIRED')} expired; lost ${counts.lost.length}; stuck ${counts.stuck.length}; ran twice ${counts.ranTwice.length}${why}`;
}

/** The run passed: everything accepted finished, and every re-run has a cause. */
export const passed = (counts: FaultCounts): boolean =>
  counts.lost.length === 0 && counts.stuck.length === 0 && counts.finished === counts.accepted && counts.ranTwice.every((r) => r.explainedBy !== undefined);

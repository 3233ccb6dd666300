import cliProgress from 'cli-progress';
import type { TaskfleetClient } from '../sdk/client.js';
import { isTerminalStatus } from '../sdk/types.js';
import { colourOn, paintStatus } from './style.js';

export interface WatchOptions {
  /** What to call each task instead of its id. */
  readonly labels?: ReadonlyMap<string, string>;
  readonly intervalMs?: number;
}

/**
 * Follows tasks until each is finished: a progress bar per task on a terminal,
 * a line per change on stderr otherwise (stdout stays what the command answers,
 * so `taskfleet submit … --wait > task.json` keeps clean JSON). Resolves with how
 * many did not complete (FAILED, CANCELLED or EXPIRED).
 */
export async function watchTasks(client: TaskfleetClient, ids: readonly string[], options: WatchOptions = {}): Promise<number> {
  const tty = process.stdout.isTTY === true;
  const colour = colourOn();
  const label = (id: string): string => options.labels?.get(id) ?? id;
  const width = Math.max(...ids.map((id) => label(id).length));
  const bars = new cliProgress.MultiBar(
    { format: ' {label} |{bar}| {percentage}% {status} {note}', hideCursor: true, clearOnComplete: false, barsize: 24, stream: process.stdout },
    cliProgress.Presets.shades_classic,
  );
  const rows = new Map(ids.map((id) => [id, tty ? bars.create(100, 0, { label: label(id).padEnd(width), status: '…', note: '' }) : undefined]));
  const last = new Map<string, string>();
  const pending = new Set(ids);
  let notCompleted = 0;
  while (pending.size > 0) {
    for (const id of [...pending]) {
      const task = await client.tasks.get(id);
      const fraction = task.status === 'COMPLETED' ? 1 : (task.progress?.fraction ?? 0);
      const note =
        task.status === 'COMPLETED' ? JSON.stringify(task.result ?? null).slice(0, 40) : (task.error?.message ?? task.progress?.message ?? '');
      const status = paintStatus(task.status, `${task.status} (attempt ${task.attempts})`, colour);
      rows.get(id)?.update(Math.round(fraction * 100), { status, note });
      const line = `${label(id)}: ${status} ${Math.round(fraction * 100)}% ${note}`;
      if (!tty && last.get(id) !== line) console.error(line);
      last.set(id, line);
      if (isTerminalStatus(task.status)) {
        pending.delete(id);
        if (task.status !== 'COMPLETED') notCompleted++;
      }
    }
    if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
  }
  // Off a terminal no bar was drawn: stopping one would print a stray blank line on stdout.
  if (tty) bars.stop();
  return notCompleted;
}

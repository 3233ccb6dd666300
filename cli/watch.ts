import cliProgress from 'cli-progress';
import type { TaskfleetClient } from '../sdk/client.js';

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED']);

/**
 * Follows tasks until each is finished: a progress bar per task on a terminal,
 * a line per change otherwise. Resolves with how many did not complete.
 */
export async function watchTasks(client: TaskfleetClient, ids: readonly string[], intervalMs = 500): Promise<number> {
  const tty = process.stdout.isTTY === true;
  const bars = new cliProgress.MultiBar(
    { format: ' {id} |{bar}| {percentage}% {status} {note}', hideCursor: true, clearOnComplete: false, barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
  const rows = new Map(ids.map((id) => [id, tty ? bars.create(100, 0, { id: id.slice(0, 8), status: '…', note: '' }) : undefined]));
  const last = new Map<string, string>();
  const pending = new Set(ids);
  let notCompleted = 0;
  while (pending.size > 0) {
    for (const id of [...pending]) {
      const task = await client.get(id);
      const done = TERMINAL.has(task.status);
      const fraction = task.status === 'COMPLETED' ? 1 : (task.progress?.fraction ?? 0);
      const note = task.error?.message ?? task.progress?.message ?? '';
      const status = `${task.status} (attempt ${task.attempts})`;
      rows.get(id)?.update(Math.round(fraction * 100), { status, note });
      const line = `${id} ${status} ${Math.round(fraction * 100)}% ${note}`;
      if (!tty && last.get(id) !== line) console.log(line);
      last.set(id, line);
      if (done) {
        pending.delete(id);
        if (task.status !== 'COMPLETED') notCompleted++;
      }
    }
    if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  bars.stop();
  return notCompleted;
}

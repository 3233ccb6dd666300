/**
 * `npm run demo`, with `npm start` running: submits a mix of priorities, pools
 * and example task types, and shows them finish — live progress bars on a
 * terminal, a line per finished task otherwise.
 */
import cliProgress from 'cli-progress';
import { findConnection } from './connection-file.js';

const connection = findConnection();
if (connection === undefined) {
  console.error('No local stack found: run `npm start` first (or set TASKFLEET_URL and TASKFLEET_TOKEN).');
  process.exit(1);
}
const { url, token } = connection;
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

interface Submission {
  readonly label: string;
  readonly task: Record<string, unknown>;
}

const mix: Submission[] = [
  ...['critical', 'high', 'normal', 'low'].map((priority) => ({ label: `echo (${priority})`, task: { type: 'echo', priority, payload: { hello: priority } } })),
  { label: 'sleep 2 s on gpu', task: { type: 'sleep', requires: ['gpu'], priority: 'high', payload: { ms: 2000 } } },
  { label: 'sleep 4 s on database', task: { type: 'sleep', requires: ['database'], payload: { ms: 4000 } } },
  { label: 'sleep 6 s (low)', task: { type: 'sleep', priority: 'low', payload: { ms: 6000 } } },
  { label: 'sleep 3 s (critical)', task: { type: 'sleep', priority: 'critical', payload: { ms: 3000 } } },
  { label: 'fail once, then succeed', task: { type: 'fail', payload: { times: 1 }, maxAttempts: 3 } },
  { label: 'always fail → DLQ', task: { type: 'fail', payload: { times: 99 }, maxAttempts: 2 } },
  { label: 'unknown type → FAILED', task: { type: 'no-such-handler' } },
  { label: 'cancelled before start', task: { type: 'echo', delaySeconds: 5 } },
];

const response = await fetch(`${url}/tasks/batch`, { method: 'POST', headers, body: JSON.stringify({ tasks: mix.map((m) => m.task) }) });
if (!response.ok) {
  console.error(`submitting failed: ${response.status} ${await response.text()}`);
  process.exit(1);
}
const { items } = (await response.json()) as { items: { id: string; pool: string; priority: string }[] };
const tasks = items.map((item, i) => ({ ...item, label: mix[i]?.label ?? item.id }));
const toCancel = tasks.at(-1);
if (toCancel !== undefined) await fetch(`${url}/tasks/${toCancel.id}`, { method: 'DELETE', headers });
console.log(`submitted ${tasks.length} tasks to ${url}\n`);

const terminal = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED']);
const tty = process.stdout.isTTY === true;
const bars = new cliProgress.MultiBar(
  { format: ' {label} |{bar}| {percentage}% {status} {note}', hideCursor: true, clearOnComplete: false, barsize: 24 },
  cliProgress.Presets.shades_classic,
);
const width = Math.max(...tasks.map((t) => t.label.length + t.pool.length + 3));
const rows = new Map(
  tasks.map((t) => [t.id, tty ? bars.create(100, 0, { label: `${t.label} [${t.pool}]`.padEnd(width), status: 'PENDING', note: '' }) : undefined]),
);
const finished = new Set<string>();

while (finished.size < tasks.length) {
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const t of tasks) {
    if (finished.has(t.id)) continue;
    const task = (await (await fetch(`${url}/tasks/${t.id}`, { headers })).json()) as {
      status: string;
      attempts: number;
      progress?: { fraction: number };
      result?: unknown;
      error?: { message: string };
    };
    const done = terminal.has(task.status);
    const fraction = done ? 1 : (task.progress?.fraction ?? 0);
    const note = task.status === 'COMPLETED' ? JSON.stringify(task.result ?? null).slice(0, 40) : (task.error?.message ?? '');
    rows.get(t.id)?.update(Math.round(fraction * 100), { status: `${task.status} (attempt ${task.attempts})`, note });
    if (done) {
      finished.add(t.id);
      if (!tty) console.log(`${t.label} [${t.pool}/${t.priority}]: ${task.status} after ${task.attempts} attempt(s) ${note}`);
    }
  }
}
bars.stop();
console.log(`\nall ${tasks.length} tasks finished. See the queues and counts: curl -s ${url}/stats -H "Authorization: Bearer ${token}"`);

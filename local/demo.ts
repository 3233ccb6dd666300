/**
 * `npm run demo`, with `npm start` running: submits a mix of priorities, pools
 * and example task types, and shows them finish — live progress bars on a
 * terminal, a line per change otherwise. The Lambda pool's tasks run on its
 * worker; for the agent pools the demo starts three agents of its own (a GPU
 * box, a database box and a shell runner), as SDK Workers in this process.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { watchJob } from '../cli/job.js';
import { watchTasks } from '../cli/watch.js';
import { commandHandler } from '../cli/work.js';
import { HANDLERS } from '../handlers/index.js';
import { TaskfleetClient, type SubmitTask } from '../sdk/client.js';
import { Worker } from '../sdk/worker.js';
import { findConnection } from './connection-file.js';

const connection = findConnection();
if (connection === undefined) {
  console.error('No local stack found: run `npm start` first (or set TASKFLEET_URL and TASKFLEET_TOKEN).');
  process.exit(1);
}
const client = new TaskfleetClient(connection);

const mix: { label: string; task: SubmitTask }[] = [
  ...(['critical', 'high', 'normal', 'low'] as const).map((priority) => ({
    label: `echo (${priority})`,
    task: { type: 'echo', priority, payload: { hello: priority } },
  })),
  { label: 'sleep 2 s on a GPU agent', task: { type: 'sleep', requires: ['gpu'], priority: 'high', payload: { ms: 2000 }, resources: { gpu: 1 } } },
  { label: 'sleep 4 s on a database agent', task: { type: 'sleep', requires: ['database'], payload: { ms: 4000 } } },
  { label: 'shell agent runs `wc -c`', task: { type: 'shell', requires: ['shell'], payload: { text: 'hello from the demo' } } },
  { label: 'sleep 6 s (low)', task: { type: 'sleep', priority: 'low', payload: { ms: 6000 } } },
  { label: 'sleep 3 s (critical)', task: { type: 'sleep', priority: 'critical', payload: { ms: 3000 } } },
  { label: 'fail once, then succeed', task: { type: 'fail', payload: { times: 1 }, maxAttempts: 3 } },
  { label: 'always fail → DLQ', task: { type: 'fail', payload: { times: 99 }, maxAttempts: 2 } },
  { label: 'unknown type → FAILED', task: { type: 'no-such-handler' } },
  { label: 'cancelled before start', task: { type: 'echo', delaySeconds: 600 } }, // far enough ahead that a busy machine cannot start it first
];

const agents = [
  new Worker({ ...connection, name: 'demo-gpu-box', capabilities: ['gpu', 'cuda'], resources: { gpu: 1 }, handlers: HANDLERS, leaseWaitSeconds: 2, handleSignals: false }),
  new Worker({ ...connection, name: 'demo-db-box', capabilities: ['database', 'postgres'], concurrency: 2, handlers: HANDLERS, leaseWaitSeconds: 2, handleSignals: false }),
  new Worker({ ...connection, name: 'demo-shell', capabilities: ['shell'], handlers: { '*': commandHandler(['wc', '-c']) }, leaseWaitSeconds: 2, handleSignals: false }),
];
const running = agents.map((agent) => agent.run());

const { items } = await client.tasks.submitBatch(mix.map((m) => m.task));
const labels = new Map<string, string>();
for (const item of items) {
  if (!('id' in item)) throw new Error(`the demo's task ${item.index} was refused: ${item.error.message}`);
  labels.set(item.id, `${mix[item.index]?.label ?? item.id} [${item.pool}]`);
}
const ids = [...labels.keys()];
await client.tasks.cancel(ids.at(-1) as string);
console.log(`submitted ${ids.length} tasks to ${connection.url}\n`);

await watchTasks(client, ids, { labels, intervalMs: 300 });
await Promise.all(agents.map((agent) => agent.stop()));
await Promise.all(running);
console.log(`\nall ${ids.length} tasks finished.`);

// A map-reduce job: a word count over this project's README, twenty lines a child.
const text = readFileSync(resolve(import.meta.dirname, '..', 'README.md'), 'utf8').split('\n');
const chunks = Array.from({ length: Math.ceil(text.length / 20) }, (_, i) => ({ text: text.slice(i * 20, (i + 1) * 20).join('\n') }));
console.log(`\nword count of README.md: a job of ${chunks.length} count-words children and a merge-counts reduce`);
const job = await client.jobs.submit({ map: { type: 'count-words', items: chunks }, reduce: { type: 'merge-counts' }, priority: 'high' });
const done = await watchJob(client, job.id);
const top = Object.entries((done.result ?? {}) as Record<string, number>)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 8)
  .map(([word, n]) => `${word} ${n}`)
  .join(', ');
console.log(`${done.status}: the most frequent words are ${top}`);
console.log('\nQueues and counts: npx taskfleet stats');

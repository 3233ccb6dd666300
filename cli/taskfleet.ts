/**
 * `taskfleet`: submit, inspect, cancel and watch tasks from a terminal.
 * Connects to TASKFLEET_URL with TASKFLEET_TOKEN, or to the stack `npm start`
 * is running on this machine; `--url` and `--token` override both.
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { findConnection } from '../local/connection-file.js';
import { PRIORITIES } from '../shared/domain/priority.js';
import { TASK_STATUSES, type TaskStatus } from '../shared/domain/task-status.js';
import { TaskfleetApiError } from '../sdk/errors.js';
import { TaskfleetClient, type SubmitTask } from '../sdk/client.js';
import { Worker, type WorkerEvent } from '../sdk/worker.js';
import { watchTasks } from './watch.js';
import { commandHandler } from './work.js';
import { jobCommand } from './job.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('taskfleet')
  .description('Submit, inspect, cancel and watch taskfleet tasks.')
  .version(version, '-V, --version', 'print the version')
  .option('--url <url>', 'API base URL (default: TASKFLEET_URL, or the local `npm start` stack)')
  .option('--token <token>', 'API token (default: TASKFLEET_TOKEN, or the local stack’s)')
  .showHelpAfterError();

function connection(): { url: string; token: string } {
  const { url, token } = program.opts<{ url?: string; token?: string }>();
  const found = findConnection();
  const resolvedUrl = url ?? found?.url;
  const resolvedToken = token ?? found?.token;
  if (resolvedUrl === undefined || resolvedToken === undefined) {
    throw new Error('no API to talk to: set TASKFLEET_URL and TASKFLEET_TOKEN, pass --url/--token, or run `npm start`');
  }
  return { url: resolvedUrl, token: resolvedToken };
}

const client = (): TaskfleetClient => new TaskfleetClient(connection());

const int = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be a whole number`);
  return n;
};
const json = (value: string): unknown => {
  try {
    return JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('must be JSON, e.g. \'{"n": 1}\'');
  }
};
const print = (value: unknown): void => console.log(JSON.stringify(value, null, 2));

program
  .command('submit')
  .description('submit one task; prints its id, status, pool and priority')
  .argument('<type>', 'task type, e.g. echo')
  .option('-p, --payload <json>', 'payload (JSON)', json)
  .addOption(new Option('--priority <priority>', 'priority').choices(PRIORITIES).default('normal'))
  .option('-r, --requires <capabilities>', 'required capabilities, comma-separated', (v: string) => v.split(',').filter(Boolean))
  .option('--id <id>', 'your own task id')
  .option('--idempotency-key <key>', 'a replay returns the first task')
  .option('--max-attempts <n>', 'attempts before FAILED (1-100)', int('--max-attempts'))
  .option('--timeout <seconds>', 'timeout of one attempt', int('--timeout'))
  .option('--delay <seconds>', 'seconds before it may start (0-900)', int('--delay'))
  .option('--deadline <iso>', 'not started by then → EXPIRED')
  .option('-w, --wait', 'wait for it to finish, with a progress bar')
  .action(async (type: string, o: Record<string, unknown>) => {
    const task: SubmitTask = {
      type,
      ...(o.payload !== undefined ? { payload: o.payload as SubmitTask['payload'] } : {}),
      priority: o.priority as SubmitTask['priority'],
      ...(o.requires !== undefined ? { requires: o.requires as string[] } : {}),
      ...(o.id !== undefined ? { id: o.id as string } : {}),
      ...(o.idempotencyKey !== undefined ? { idempotencyKey: o.idempotencyKey as string } : {}),
      ...(o.maxAttempts !== undefined ? { maxAttempts: o.maxAttempts as number } : {}),
      ...(o.timeout !== undefined ? { timeoutSeconds: o.timeout as number } : {}),
      ...(o.delay !== undefined ? { delaySeconds: o.delay as number } : {}),
      ...(o.deadline !== undefined ? { deadline: o.deadline as string } : {}),
    };
    const submitted = await client().submit(task);
    print(submitted);
    if (o.wait === true) await watchTasks(client(), [submitted.id]);
  });

program
  .command('get')
  .description('show a task: status, attempts, progress, result or error')
  .argument('<id>')
  .action(async (id: string) => print(await client().get(id)));

program
  .command('list')
  .description('list tasks, oldest first')
  .addOption(new Option('-s, --status <status>', 'only this status').choices(TASK_STATUSES))
  .option('--pool <pool>', 'only this pool')
  .option('-n, --limit <n>', 'at most this many', int('--limit'), 50)
  .action(async (o: { status?: TaskStatus; pool?: string; limit: number }) => {
    const rows: string[] = [];
    for await (const t of client().listAll({ ...(o.status ? { status: o.status } : {}), ...(o.pool ? { pool: o.pool } : {}) })) {
      rows.push([t.id.padEnd(36), t.status.padEnd(9), t.pool.padEnd(10), t.priority.padEnd(8), String(t.attempts).padStart(3), t.type, t.createdAt].join('  '));
      if (rows.length >= o.limit) break;
    }
    console.log(['id'.padEnd(36), 'status'.padEnd(9), 'pool'.padEnd(10), 'priority', 'att', 'type', 'created'].join('  '));
    for (const row of rows) console.log(row);
  });

program
  .command('cancel')
  .description('cancel a PENDING or running task')
  .argument('<id>')
  .action(async (id: string) => {
    const task = await client().cancel(id);
    console.log(`${task.id} ${task.status}`);
  });

program
  .command('watch')
  .description('live progress bars until the tasks finish')
  .argument('[ids...]', 'task ids')
  .option('-a, --all', 'every PENDING or ACTIVE task')
  .action(async (ids: string[], o: { all?: boolean }) => {
    const api = client();
    let watched = ids;
    if (o.all === true) {
      watched = [];
      for (const status of ['PENDING', 'ACTIVE'] as const) for await (const t of api.listAll({ status })) watched.push(t.id);
    }
    if (watched.length === 0) throw new Error(o.all ? 'no PENDING or ACTIVE tasks' : 'name task ids, or use --all');
    await watchTasks(api, watched);
  });

program
  .command('stats')
  .description('queue depths, counts by status, circuits, throughput and queue times')
  .option('--json', 'print the raw JSON')
  .action(async (o: { json?: boolean }) => {
    const stats = await client().stats();
    if (o.json === true) return print(stats);
    console.log('queue                  visible  in-flight  delayed  dead');
    for (const q of stats.queues) {
      console.log(`${`${q.pool}/${q.priority}`.padEnd(22)} ${String(q.visible).padStart(7)}  ${String(q.inFlight).padStart(9)}  ${String(q.delayed).padStart(7)}  ${String(q.deadLetters).padStart(4)}`);
    }
    console.log(`\ntasks     ${Object.entries(stats.tasks).map(([s, n]) => `${s} ${n}`).join(', ')}`);
    console.log(`circuits  ${Object.entries(stats.circuits).map(([p, c]) => `${p} ${c.status}`).join(', ')}`);
    const q = stats.recent.queueTimeMs;
    console.log(`recent    ${stats.recent.throughputPerSecond}/s finished; queue time p50 ${q?.p50 ?? '-'} ms, p95 ${q?.p95 ?? '-'} ms, p99 ${q?.p99 ?? '-'} ms`);
  });

program.addCommand(jobCommand(client, print));

const dlq = program.command('dlq').description('dead letters: tasks that failed for good');
dlq
  .command('list')
  .description('the dead letters (left in place)')
  .option('--pool <pool>')
  .addOption(new Option('--priority <priority>').choices(PRIORITIES))
  .option('-n, --limit <n>', 'at most this many', int('--limit'), 20)
  .action(async (o: { pool?: string; priority?: (typeof PRIORITIES)[number]; limit: number }) => {
    const letters = await client().deadLetters(o);
    if (letters.length === 0) return console.log('no dead letters');
    for (const l of letters) console.log(`${l.taskId}  ${l.queue.padEnd(16)}  ${String(l.attempts ?? '?').padStart(3)} attempts  ${l.type ?? ''}  ${l.error?.message ?? ''}`);
  });
dlq
  .command('redrive')
  .description('replay dead letters: their tasks get fresh attempts')
  .argument('[task-ids...]', 'only these tasks')
  .option('--pool <pool>')
  .addOption(new Option('--priority <priority>').choices(PRIORITIES))
  .option('--max <n>', 'at most this many', int('--max'), 10)
  .action(async (ids: string[], o: { pool?: string; priority?: (typeof PRIORITIES)[number]; max: number }) => {
    print(await client().redrive({ ...o, ...(ids.length > 0 ? { taskIds: ids } : {}) }));
  });

program
  .command('work')
  .description('run as an agent: lease tasks and run <command> once per task (task JSON on stdin and in TASKFLEET_TASK)')
  .requiredOption('-c, --capabilities <list>', 'what this agent can do, comma-separated', (v: string) => v.split(',').filter(Boolean))
  .option('-n, --concurrency <n>', 'tasks at once', int('--concurrency'), 1)
  .option('--name <name>', 'a name shown in stats')
  .option('--gpu <n>', 'GPUs this agent has', int('--gpu'))
  .option('--cpu <n>', 'CPUs this agent has', Number)
  .option('--memory-mb <n>', 'memory this agent has', int('--memory-mb'))
  .option('--grace <seconds>', 'on SIGTERM, how long running tasks may finish', int('--grace'), 30)
  .argument('<command...>', 'the command to run per task, after --')
  .addHelpText('after', `
Exit code 0 completes the task with stdout as its result (JSON if it parses);
anything else fails the attempt with the end of stderr. Example:
  taskfleet work --capabilities shell --concurrency 4 -- sh -c 'cat'`)
  .action(async (command: string[], o: { capabilities: string[]; concurrency: number; name?: string; gpu?: number; cpu?: number; memoryMb?: number; grace: number }) => {
    const { url, token } = connection();
    const worker = new Worker({
      url,
      token,
      capabilities: o.capabilities,
      concurrency: o.concurrency,
      ...(o.name !== undefined ? { name: o.name } : {}),
      resources: { ...(o.gpu !== undefined ? { gpu: o.gpu } : {}), ...(o.cpu !== undefined ? { cpu: o.cpu } : {}), ...(o.memoryMb !== undefined ? { memoryMb: o.memoryMb } : {}) },
      gracePeriodMs: o.grace * 1000,
      handlers: { '*': commandHandler(command) },
      log: (event) => console.log(describe(event)),
    });
    await worker.run();
  });

function describe(event: WorkerEvent): string {
  const at = new Date().toISOString().slice(11, 19);
  switch (event.kind) {
    case 'registered':
      return `${at} registered as worker ${event.workerId}; waiting for tasks (Ctrl-C to stop)`;
    case 'leased':
      return `${at} ${event.task.id} ${event.task.type} leased (attempt ${event.task.attempt})`;
    case 'completed':
      return `${at} ${event.task.id} completed`;
    case 'failed':
      return `${at} ${event.task.id} failed: ${event.error}`;
    case 'released':
      return `${at} ${event.task.id} handed back (shutting down)`;
    case 'lease-lost':
      return `${at} ${event.task.id} lease lost; its result is discarded`;
    case 'circuit-open':
      return `${at} ${event.retryAfterSeconds} s pause: too many failures in a row`;
    case 'error':
      return `${at} error: ${event.error}`;
    case 'stopped':
      return `${at} stopped`;
  }
}

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof TaskfleetApiError) {
    console.error(`error: ${error.message}`);
    for (const f of error.fields) console.error(`  ${f.field}: ${f.message}`);
  } else {
    console.error(`error: ${(error as Error).message}`);
  }
  process.exitCode = 1;
}

/**
 * `taskfleet`: submit, inspect, cancel and watch tasks from a terminal.
 * Connects to --url/--token, else TASKFLEET_URL/TASKFLEET_TOKEN, else the stack
 * `npm start` is running on this machine (its connection file in the user's
 * config folder). Exit codes: see exit-codes.ts.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { Command, CommanderError } from 'commander';
import { findConnection } from '../shared/connection-file.js';
import { TaskfleetApiError, TaskfleetConnectionError } from '../sdk/errors.js';
import { TaskfleetClient } from '../sdk/client.js';
import { PRIORITIES, TASK_STATUSES, type Json, type Priority, type Resources, type SubmitTask, type TaskStatus } from '../sdk/types.js';
import { Worker } from '../sdk/worker.js';
import { int, json, list, oneOf, resources } from './arguments.js';
import { ERROR_EXIT_CODE, INTERRUPTED_EXIT_CODE, NOT_COMPLETED_EXIT_CODE, USAGE_EXIT_CODE } from './exit-codes.js';
import { addJobCommands } from './job.js';
import { paintStatus } from './style.js';
import { counted } from './words.js';
import { watchTasks } from './watch.js';
import { scheduleCommand } from './schedule.js';
import { limitsCommand } from './limits.js';
import { eventsCommand } from './events.js';
import { tokensCommand } from './tokens.js';
import { commandHandler, describeWorkerEvent } from './work.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('taskfleet')
  .description('Submit, inspect, cancel and watch taskfleet tasks.')
  .version(version, '-V, --version', 'print the version')
  .option('--url <url>', 'API base URL (default: TASKFLEET_URL, or the local `npm start` stack)')
  .option('--token <token>', 'API token (default: TASKFLEET_TOKEN, or the local stack’s)')
  // A usage error gets one line and a pointer, not the whole help.
  .showHelpAfterError('(add --help for usage)')
  .exitOverride();

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

// Two quick retries: a person is waiting, and a stack that is down stays down.
const client = (): TaskfleetClient => new TaskfleetClient({ ...connection(), retry: { retries: 2, baseDelayMs: 200 } });

const print = (value: unknown): void => console.log(JSON.stringify(value, null, 2));

program
  .command('submit')
  .description('submit one task; prints its id, status, pool and priority')
  .argument('<type>', 'task type, e.g. echo')
  .option('-p, --payload <json>', 'payload (JSON)', json)
  .option('--priority <priority>', `${PRIORITIES.join(', ')}`, oneOf(PRIORITIES), 'normal')
  .option('-r, --requires <capabilities>', 'required capabilities, comma-separated', list)
  .option('--prefers <json>', 'agent labels to favour with weights, e.g. \'{"ssd": 2}\'', json)
  .option('--affinity-key <key>', 'tasks with the same key go to the same agent')
  .option('--agent <id>', 'run on this agent only')
  .option('--avoid-agents <ids>', 'never on these agents, comma-separated', list)
  .option('--resources <amounts>', 'what an agent must have free: gpu=2,memoryMb=4096 (cpu, gpu, memoryMb) or JSON', resources)
  .option('--id <id>', 'your own task id')
  .option('--idempotency-key <key>', 'a replay returns the first task')
  .option('--max-attempts <n>', 'attempts before FAILED (1-100)', int('--max-attempts'))
  .option('--timeout <seconds>', 'timeout of one attempt', int('--timeout'))
  .option('--delay <seconds>', 'seconds before it may start (up to a year)', int('--delay'))
  .option('--run-at <iso>', 'not to start before this time (ISO 8601, up to a year ahead)')
  .option('--concurrency-key <key>', 'at most --concurrency-limit tasks with this key run at once')
  .option('--concurrency-limit <n>', 'tasks of --concurrency-key running at once (default 1)', int('--concurrency-limit'))
  .option('--deadline <iso>', 'not started by then → EXPIRED')
  .option('--then <type>', 'on COMPLETED, run a task of this type on the result')
  .option('-w, --wait', 'wait for it to finish, with a progress bar; exits 3 unless it COMPLETED')
  .action(async (type: string, o: Record<string, unknown>) => {
    const task: SubmitTask = {
      type,
      priority: o.priority as Priority,
      ...(o.payload !== undefined ? { payload: o.payload as Json } : {}),
      ...(o.requires !== undefined ? { requires: o.requires as string[] } : {}),
      ...(o.prefers !== undefined ? { prefers: o.prefers as Record<string, number> } : {}),
      ...(o.affinityKey !== undefined ? { affinityKey: o.affinityKey as string } : {}),
      ...(o.agent !== undefined ? { agent: o.agent as string } : {}),
      ...(o.avoidAgents !== undefined ? { avoidAgents: o.avoidAgents as string[] } : {}),
      ...(o.resources !== undefined ? { resources: o.resources as Resources } : {}),
      ...(o.id !== undefined ? { id: o.id as string } : {}),
      ...(o.idempotencyKey !== undefined ? { idempotencyKey: o.idempotencyKey as string } : {}),
      ...(o.maxAttempts !== undefined ? { maxAttempts: o.maxAttempts as number } : {}),
      ...(o.timeout !== undefined ? { timeoutSeconds: o.timeout as number } : {}),
      ...(o.delay !== undefined ? { delaySeconds: o.delay as number } : {}),
      ...(o.runAt !== undefined ? { runAt: o.runAt as string } : {}),
      ...(o.concurrencyKey !== undefined ? { concurrencyKey: o.concurrencyKey as string } : {}),
      ...(o.concurrencyLimit !== undefined ? { concurrencyLimit: o.concurrencyLimit as number } : {}),
      ...(o.deadline !== undefined ? { deadline: o.deadline as string } : {}),
      ...(o.then !== undefined ? { then: { type: o.then as string } } : {}),
    };
    const api = client();
    const submitted = await api.tasks.submit(task);
    print(submitted);
    if (o.wait === true && (await watchTasks(api, [submitted.id])) > 0) process.exitCode = NOT_COMPLETED_EXIT_CODE;
  });

program
  .command('get')
  .description('show a task: status, attempts, progress, result or error')
  .argument('<id>')
  .action(async (id: string) => print(await client().tasks.get(id)));

program
  .command('list')
  .description('list tasks, filtered by status and pool')
  .option('-s, --status <status>', `only this status: ${TASK_STATUSES.join(', ')} (any case)`, oneOf(TASK_STATUSES))
  .option('--pool <pool>', 'only this pool')
  .option('-n, --limit <n>', 'at most this many', int('--limit'), 50)
  .action(async (o: { status?: TaskStatus; pool?: string; limit: number }) => {
    const rows: string[] = [];
    for await (const t of client().tasks.listAll({ ...(o.status ? { status: o.status } : {}), ...(o.pool ? { pool: o.pool } : {}) })) {
      rows.push([t.id.padEnd(36), paintStatus(t.status, t.status.padEnd(9)), t.pool.padEnd(10), t.priority.padEnd(8), String(t.attempts).padStart(3), t.type, t.createdAt].join('  '));
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
    const task = await client().tasks.cancel(id);
    console.log(`${task.id} ${paintStatus(task.status)}`);
  });

program
  .command('watch')
  .description('live progress bars until the tasks finish; exits 3 if any did not complete')
  .argument('[ids...]', 'task ids')
  .option('-a, --all', 'every PENDING or ACTIVE task')
  .action(async (ids: string[], o: { all?: boolean }, command: Command) => {
    const api = client();
    let watched = ids;
    if (o.all === true) {
      watched = [];
      for (const status of ['PENDING', 'ACTIVE'] as const) for await (const t of api.tasks.listAll({ status })) watched.push(t.id);
      if (watched.length === 0) return console.log('nothing to watch: no PENDING or ACTIVE tasks');
    }
    if (watched.length === 0) command.error('error: name task ids, or use --all', { exitCode: USAGE_EXIT_CODE });
    if ((await watchTasks(api, watched)) > 0) process.exitCode = NOT_COMPLETED_EXIT_CODE;
  });

program
  .command('stats')
  .description('queue depths, counts by status, circuits, throughput and queue times')
  .option('--json', 'print the raw JSON')
  .action(async (o: { json?: boolean }) => {
    const stats = await client().stats();
    if (o.json === true) return print(stats);
    if (stats.queues !== undefined) console.log('queue                  visible  in-flight  delayed  dead');
    for (const q of stats.queues ?? []) {
      console.log(`${`${q.pool}/${q.priority}`.padEnd(22)} ${String(q.visible).padStart(7)}  ${String(q.inFlight).padStart(9)}  ${String(q.delayed).padStart(7)}  ${String(q.deadLetters).padStart(4)}`);
    }
    console.log(`\ntasks     ${Object.entries(stats.tasks).map(([s, n]) => `${paintStatus(s)} ${n}`).join(', ')}`);
    if (stats.circuits !== undefined) console.log(`circuits  ${Object.entries(stats.circuits).map(([p, c]) => `${p} ${c.status}`).join(', ')}`);
    const q = stats.recent.queueTimeMs;
    console.log(`recent    ${stats.recent.throughputPerSecond}/s finished; queue time p50 ${q?.p50 ?? '-'} ms, p95 ${q?.p95 ?? '-'} ms, p99 ${q?.p99 ?? '-'} ms`);
  });

addJobCommands(program, client, print);
program.addCommand(scheduleCommand(connection, print));
program.addCommand(limitsCommand(client, print));
program.addCommand(eventsCommand(connection));
program.addCommand(tokensCommand(print));

program
  .command('mcp')
  .description('serve the API as Model Context Protocol tools on stdio: an AI agent can submit work and be a worker')
  .action(async () => {
    // Loaded only for this command: the MCP SDK is not needed by the others.
    const [{ createMcpServer }, { StdioServerTransport }] = await Promise.all([import('./mcp.js'), import('@modelcontextprotocol/sdk/server/stdio.js')]);
    await createMcpServer(client(), version).connect(new StdioServerTransport());
  });

const dlq = program.command('dlq').description('dead letters: tasks that failed for good');
dlq
  .command('list')
  .description('the dead letters (left in place)')
  .option('--pool <pool>')
  .option('--priority <priority>', PRIORITIES.join(', '), oneOf(PRIORITIES))
  .option('-n, --limit <n>', 'at most this many', int('--limit'), 20)
  .action(async (o: { pool?: string; priority?: Priority; limit: number }) => {
    const letters = await client().dlq.list(o);
    if (letters.length === 0) return console.log('no dead letters');
    for (const l of letters) console.log(`${l.taskId}  ${l.queue.padEnd(16)}  ${(l.attempts === undefined ? '? attempts' : counted(l.attempts, 'attempt')).padStart(11)}  ${l.type ?? ''}  ${l.error?.message ?? ''}`);
  });
dlq
  .command('redrive')
  .description('replay dead letters: their tasks get fresh attempts')
  .argument('[task-ids...]', 'only these tasks')
  .option('--pool <pool>', 'only this pool')
  .option('--priority <priority>', PRIORITIES.join(', '), oneOf(PRIORITIES))
  .option('--all', 'every pool and priority (asked for when not on a terminal and nothing else is chosen)')
  .option('--max <n>', 'at most this many', int('--max'), 10)
  .action(async (ids: string[], o: { pool?: string; priority?: Priority; all?: boolean; max: number }, command: Command) => {
    const chosen = ids.length > 0 || o.pool !== undefined || o.priority !== undefined;
    if (!chosen && o.all !== true && !(await confirm(`Redrive up to ${o.max} dead letters of every pool and priority?`))) {
      command.error('error: nothing redriven: name task ids, --pool or --priority, or pass --all', { exitCode: USAGE_EXIT_CODE });
    }
    const { all: _all, ...selection } = o;
    print(await client().dlq.redrive({ ...selection, ...(ids.length > 0 ? { taskIds: ids } : {}) }));
  });

/** Asks y/N on a terminal; false (without asking) anywhere else. */
async function confirm(question: string): Promise<boolean> {
  if (process.stdin.isTTY !== true || process.stdout.isTTY !== true) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

program
  .command('work')
  .description('run as an agent: lease tasks and run <command> once per task (task JSON on stdin and in TASKFLEET_TASK)')
  .requiredOption('-c, --capabilities <list>', 'what this agent can do, comma-separated', list)
  .option('-n, --concurrency <n>', 'tasks at once', int('--concurrency'), 1)
  .option('--name <name>', 'a name shown in stats')
  .option('--gpu <n>', 'GPUs this agent has', int('--gpu'))
  .option('--cpu <n>', 'CPUs this agent has', Number)
  .option('--memory-mb <n>', 'memory this agent has', int('--memory-mb'))
  .option('--grace <seconds>', 'on Ctrl-C or SIGTERM, how long running tasks may finish before they are handed back', int('--grace'), 30)
  .option('--max-tasks <n>', 'stop after running this many tasks (completed or failed), e.g. one job in CI', int('--max-tasks'))
  .argument('<command...>', 'the command to run per task, after --')
  .addHelpText('after', `
Exit code 0 completes the task with stdout as its result (JSON if it parses);
anything else fails the attempt with the end of stderr. Example:
  taskfleet work --capabilities shell --concurrency 4 -- sh -c 'cat'`)
  .action(async (command: string[], o: { capabilities: string[]; concurrency: number; name?: string; gpu?: number; cpu?: number; memoryMb?: number; grace: number; maxTasks?: number }) => {
    let ran = 0;
    const worker: Worker = new Worker({
      ...connection(),
      capabilities: o.capabilities,
      concurrency: o.concurrency,
      ...(o.name !== undefined ? { name: o.name } : {}),
      resources: { ...(o.gpu !== undefined ? { gpu: o.gpu } : {}), ...(o.cpu !== undefined ? { cpu: o.cpu } : {}), ...(o.memoryMb !== undefined ? { memoryMb: o.memoryMb } : {}) },
      gracePeriodMs: o.grace * 1000,
      handlers: { '*': commandHandler(command) },
      log: (event) => {
        const { line, warning } = describeWorkerEvent(event, o.capabilities);
        console.log(line);
        if (warning !== undefined) console.error(warning);
        // Ctrl-C is an interruption (exit 130, as shells expect); SIGTERM a requested, clean stop (0).
        if (event.kind === 'stopped' && event.signal === 'SIGINT') process.exitCode = INTERRUPTED_EXIT_CODE;
        if ((event.kind === 'completed' || event.kind === 'failed') && ++ran === o.maxTasks) void worker.stop();
      },
    });
    await worker.run();
  });

try {
  await program.parseAsync();
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

/** Commander has printed its own errors; the rest get one line (and the fields the API named). */
function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
  if (error instanceof TaskfleetConnectionError) {
    const local = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(`${error.url}/`);
    console.error(`error: ${local && error.reason === 'unreachable' ? `cannot reach ${error.url}: is \`npm start\` running?` : error.message}`);
  } else if (error instanceof TaskfleetApiError) {
    console.error(`error: ${error.message}`);
    for (const f of error.fields) console.error(`  ${f.field}: ${f.message}`);
  } else {
    console.error(`error: ${(error as Error).message}`);
  }
  return ERROR_EXIT_CODE;
}

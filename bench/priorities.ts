/**
 * `npm run bench -- --priorities [--backlog 2000] [--idle 40] …`: do priorities
 * hold under load? On a complete local stack (emulators, HTTP API, Lambda
 * workers) with an SDK agent leasing an agent pool:
 *  1. idle dispatch — one task at a time on an idle stack, on the Lambda pool and
 *     on the agent pool: created → started;
 *  2. priorities under load — a backlog of normal and low `sleep` tasks submitted
 *     through POST /tasks/batch while critical and high tasks arrive throughout
 *     (POST /tasks); per priority, created → started and the share started
 *     within its SLA, time-compressed (shared/topology/sla.ts ÷ --compress).
 * Figures only: nothing passes or fails on time (the targets are marked).
 */
import { availableParallelism, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from '../local/runtime.js';
import { DynamoDbTaskQueries } from '../shared/adapters/dynamodb/dynamodb-task-queries.js';
import { PRIORITIES, type Priority } from '../shared/domain/priority.js';
import type { TaskSummary } from '../shared/ports/task-queries.js';
import { DEFAULT_SLA_SECONDS } from '../shared/topology/sla.js';
import { Worker } from '../sdk/index.js';
import { dispatchFigures, printPriorityReport, type PriorityRun } from './priorities-report.js';

const PRIORITIES_USAGE = `priority options (with --priorities):
  --backlog N        normal + low sleep tasks submitted as the backlog (2000)
  --sleep-ms N       each backlog task's sleep (100)
  --urgent-every N   ms between critical/high arrivals during the drain (100; they alternate)
  --idle N           tasks of each idle-dispatch run, one every 200 ms (40)
  --compress N       SLA time compression: critical's 30 s becomes 30/N s (10)`;

const { values } = parseArgs({
  options: {
    backlog: { type: 'string', default: '2000' },
    'sleep-ms': { type: 'string', default: '100' },
    'urgent-every': { type: 'string', default: '100' },
    idle: { type: 'string', default: '40' },
    compress: { type: 'string', default: '10' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(`usage: node --import tsx bench/priorities.ts [options]\n${PRIORITIES_USAGE}`);
  process.exit(0);
}
const positive = (v: string, flag: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer`);
  return n;
};
const backlogSize = positive(values.backlog, '--backlog');
const sleepMs = positive(values['sleep-ms'], '--sleep-ms');
const urgentEveryMs = positive(values['urgent-every'], '--urgent-every');
const idleTasks = positive(values.idle, '--idle');
const compress = positive(values.compress, '--compress');
const IDLE_GAP_MS = 200;
/** Tasks per POST /tasks/batch of the backlog. */
const BATCH = 100;
/** The warm-up and idle-dispatch tasks: not part of the load. */
const idleIds = new Set<string>();
const TENANT = 'bench';
const AGENT_CAPABILITY = 'shell';

console.log('priorities: starting a local stack (fauxqs, DynamoDB Local, Lambda workers) and an SDK agent…');
const loadAtStart = loadavg()[0] ?? 0;
const stack = await startLocalStack({ port: 0, sqsPort: 0, dynamoDbPort: 0, region: 'us-east-1', prefix: `prio${Date.now()}-`, tenant: TENANT, schedule: false, workers: true, log: () => undefined });
// The watcher reads through its own client: its reads are not the stack's work.
const watcher = new DynamoDbTaskQueries(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', endpoint: stack.dynamoDbEndpoint })), stack.tableName);
const queueWatcher = new SQSClient({ region: 'us-east-1', endpoint: stack.sqsEndpoint });
const headers = { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' };

async function submit(task: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${stack.apiUrl}/tasks`, { method: 'POST', headers, body: JSON.stringify(task) });
  if (!response.ok) throw new Error(`POST /tasks answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/** Submits a batch; a call that fails (a loaded machine can outrun the route's timeout) is reported, not fatal. */
async function submitBatch(tasks: readonly Record<string, unknown>[]): Promise<number> {
  try {
    const response = await fetch(`${stack.apiUrl}/tasks/batch`, { method: 'POST', headers, body: JSON.stringify({ tasks }) });
    const body = (await response.json()) as { accepted?: number };
    if (!response.ok) console.warn(`POST /tasks/batch answered ${response.status}`);
    return body.accepted ?? 0;
  } catch (error) {
    console.warn(`POST /tasks/batch failed: ${String(error)}`);
    return 0;
  }
}

/** Every task of the tenant, through the uncounted watcher. */
async function allTasks(): Promise<TaskSummary[]> {
  const items: TaskSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await watcher.list({ tenant: TENANT, limit: 100, ...(cursor !== undefined ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return items;
}

/** Waits until every task in `ids` has started (or 60 s passed); returns their summaries. */
async function started(ids: ReadonlySet<string>): Promise<TaskSummary[]> {
  const until = Date.now() + 60_000;
  for (;;) {
    const mine = (await allTasks()).filter((t) => ids.has(t.id));
    if (mine.every((t) => t.startedAt !== undefined) || Date.now() > until) return mine;
    await sleep(500);
  }
}

/** Messages still on the given priorities' work queues (visible, in flight or delayed). */
async function queued(priorities: readonly Priority[]): Promise<number> {
  let n = 0;
  for (const [key, url] of Object.entries(stack.queues.queueUrls)) {
    if (!priorities.some((p) => key.endsWith(`:${p}`))) continue;
    const { Attributes = {} } = await queueWatcher.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }),
    );
    n += Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
  }
  return n;
}

/** One task every IDLE_GAP_MS on an idle stack; created → started of each. */
async function idleDispatch(task: (i: number) => Record<string, unknown>): Promise<TaskSummary[]> {
  const ids = new Set<string>();
  for (let i = 0; i < idleTasks; i++) {
    const id = await submit(task(i));
    ids.add(id);
    idleIds.add(id);
    await sleep(IDLE_GAP_MS);
  }
  return started(ids);
}

const agent = new Worker({
  url: stack.apiUrl,
  token: stack.token,
  name: 'bench-agent',
  capabilities: [AGENT_CAPABILITY],
  concurrency: 4,
  handleSignals: false,
  // Idle dispatch of a long-polling agent is what is timed: the SDK's idle polls (after 60 s) trade latency for cost.
  idleAfterSeconds: Number.POSITIVE_INFINITY,
  handlers: { '*': async (payload) => payload },
});
const agentRunning = agent.run();

try {
  // A first task of each kind warms the worker module, the agent's poll and the connections.
  const warmUp = new Set([await submit({ type: 'echo', payload: {} }), await submit({ type: 'probe', requires: [AGENT_CAPABILITY], payload: {} })]);
  for (const id of warmUp) idleIds.add(id);
  await started(warmUp);
  console.log(`idle dispatch: ${idleTasks} tasks, one every ${IDLE_GAP_MS} ms, on the Lambda pool, then on the agent pool…`);
  const lambdaIdle = await idleDispatch((i) => ({ type: 'echo', priority: 'normal', payload: { i } }));
  const agentIdle = await idleDispatch((i) => ({ type: 'probe', priority: 'normal', requires: [AGENT_CAPABILITY], payload: { i } }));

  console.log(`under load: ${backlogSize} normal + low sleep(${sleepMs} ms) tasks, a critical or high task every ${urgentEveryMs} ms until they drain…`);
  const loadFrom = Date.now();
  let draining = true;
  const urgentIds = new Set<string>();
  const urgent = (async () => {
    for (let i = 0; draining; i++) {
      const next = Date.now() + urgentEveryMs;
      try {
        urgentIds.add(await submit({ type: 'echo', priority: i % 2 === 0 ? 'critical' : 'high', payload: { i } }));
      } catch (error) {
        console.warn(`an urgent submit failed: ${String(error)}`);
      }
      await sleep(Math.max(0, next - Date.now()));
    }
  })();
  let accepted = 0;
  for (let offset = 0; offset < backlogSize; offset += BATCH) {
    const tasks = Array.from({ length: Math.min(BATCH, backlogSize - offset) }, (_, i) => ({ type: 'sleep', priority: (offset + i) % 2 === 0 ? 'normal' : 'low', payload: { ms: sleepMs } }));
    accepted += await submitBatch(tasks);
  }
  const submittedAt = Date.now();
  let peakBacklog = 0;
  for (let lastNote = Date.now(); ; ) {
    const left = await queued(['normal', 'low']);
    peakBacklog = Math.max(peakBacklog, left);
    if (left === 0) break;
    if (Date.now() - lastNote >= 15_000) {
      console.log(`  ${left} normal + low still queued after ${Math.round((Date.now() - loadFrom) / 1000)} s (${urgentIds.size} critical + high so far)`);
      lastNote = Date.now();
    }
    await sleep(500);
  }
  draining = false;
  await urgent;
  const drainedAt = Date.now();
  await started(urgentIds);
  const loadAtEnd = loadavg()[0] ?? 0;
  const underLoad = (await allTasks()).filter((t) => !idleIds.has(t.id));

  const run: PriorityRun = {
    backlog: accepted,
    sleepMs,
    urgentEveryMs,
    compress,
    sla: DEFAULT_SLA_SECONDS,
    submitSeconds: (submittedAt - loadFrom) / 1000,
    drainSeconds: (drainedAt - loadFrom) / 1000,
    peakBacklog,
    load: { start: loadAtStart, end: loadAtEnd, cores: availableParallelism() },
    idle: { lambda: dispatchFigures(lambdaIdle), agent: dispatchFigures(agentIdle) },
    tasks: underLoad,
  };
  printPriorityReport(run, PRIORITIES);
} finally {
  await agent.stop();
  await agentRunning.catch(() => undefined);
  queueWatcher.destroy();
  await stack.stop();
}

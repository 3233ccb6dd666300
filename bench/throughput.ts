/**
 * `npm run bench [-- --tasks 2000 --type echo]`: pushes N tasks through a
 * complete local stack (emulators, HTTP API, event-source mappings, workers)
 * and prints figures: submit rate, throughput, queue time per priority and AWS
 * API calls per task. Figures only; nothing passes or fails on time.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import cliProgress from 'cli-progress';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbTaskQueries } from '../shared/adapters/dynamodb/dynamodb-task-queries.js';
import { PRIORITIES, type Priority } from '../shared/domain/priority.js';
import { percentiles } from '../shared/domain/stats.js';
import type { TaskSummary } from '../shared/ports/task-queries.js';
import { startLocalStack } from '../local/runtime.js';
import { startEventSourceMappings } from '../local/event-source-mappings.js';
import { TOPOLOGY } from '../shared/topology/topology.js';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '2000' },
    type: { type: 'string', default: 'echo' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log('usage: npm run bench -- [--tasks N (2000)] [--type echo|sleep]');
  process.exit(0);
}
const total = Number(values.tasks);
if (!Number.isInteger(total) || total < 1) throw new Error('--tasks must be a positive integer');

console.log(`starting a local stack (fauxqs, DynamoDB Local, workers)…`);
const stack = await startLocalStack({
  port: 0,
  sqsPort: 0,
  dynamoDbPort: 0,
  region: 'us-east-1',
  prefix: `bench${Date.now()}-`,
  tenant: 'bench',
  schedule: false,
  // Workers start after submission, so each phase's figures are its own.
  workers: false,
});
// The watcher's own reads go through an uncounted client, so they do not skew calls per task.
const watcher = new DynamoDbTaskQueries(
  DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', endpoint: stack.dynamoDbEndpoint })),
  stack.tableName,
);
const queueWatcher = new SQSClient({ region: 'us-east-1', endpoint: stack.sqsEndpoint });
/** Messages still on the work queues (visible, in flight or delayed): 0 once the backlog is drained. */
async function backlog(): Promise<number> {
  let n = 0;
  for (const url of Object.values(stack.queues.queueUrls)) {
    const { Attributes = {} } = await queueWatcher.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }),
    );
    n += Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
  }
  return n;
}
const headers = { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' };

try {
  stack.calls.reset();
  const bar = new cliProgress.MultiBar(
    { format: ' {phase} |{bar}| {value}/{total} {rate}', hideCursor: true, clearOnComplete: false, stream: process.stdout, noTTYOutput: !process.stdout.isTTY, notTTYSchedule: 5000 },
    cliProgress.Presets.shades_classic,
  );
  const submitBar = bar.create(total, 0, { phase: 'submitted', rate: '' });
  const doneBar = bar.create(total, 0, { phase: 'completed', rate: '' });

  const started = Date.now();
  for (let offset = 0; offset < total; offset += 500) {
    const tasks = Array.from({ length: Math.min(500, total - offset) }, (_, i) => ({
      type: values.type,
      priority: PRIORITIES[(offset + i) % PRIORITIES.length],
      payload: values.type === 'sleep' ? { ms: 50 } : { n: offset + i },
    }));
    const response = await fetch(`${stack.apiUrl}/tasks/batch`, { method: 'POST', headers, body: JSON.stringify({ tasks }) });
    const body = (await response.json()) as { accepted: number };
    submitBar.increment(body.accepted);
  }
  const submitted = Date.now();
  const submitCalls = stack.calls.snapshot();
  stack.calls.reset();
  const mappings = await startEventSourceMappings({
    sqsEndpoint: stack.sqsEndpoint,
    region: 'us-east-1',
    topology: TOPOLOGY,
    queueUrls: stack.queues.queueUrls,
    queueArns: stack.queues.queueArns,
    services: () => stack.services,
    calls: stack.calls,
  });
  const drainFrom = Date.now();

  let finished = 0;
  while (finished < total) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    finished = total - (await backlog());
    doneBar.update(finished, { rate: `${Math.round(finished / ((Date.now() - drainFrom) / 1000))}/s` });
  }
  const ended = Date.now();
  bar.stop();
  await mappings.stop();
  const executionCalls = stack.calls.snapshot();

  const summaries: TaskSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await watcher.list({ tenant: 'bench', limit: 100, ...(cursor !== undefined ? { cursor } : {}) });
    summaries.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);

  report({ total, started, submitted, drainFrom, ended, summaries, submitCalls, executionCalls });
} finally {
  await stack.stop();
}

function report(r: {
  total: number;
  started: number;
  submitted: number;
  drainFrom: number;
  ended: number;
  summaries: TaskSummary[];
  submitCalls: Map<string, number>;
  executionCalls: Map<string, number>;
}): void {
  const rate = (from: number, to: number): string => `${((to - from) / 1000).toFixed(2)} s → ${Math.round(r.total / ((to - from) / 1000))} tasks/s`;
  console.log(`\ntaskfleet bench: ${r.total} × ${values.type} tasks over ${PRIORITIES.length} priorities, local stack (fauxqs + DynamoDB Local), Node ${process.version}`);
  console.log(`  submit   ${rate(r.started, r.submitted)} accepted (POST /tasks/batch, 500 a call; workers stopped)`);
  console.log(`  drain    ${rate(r.drainFrom, r.ended)} completed (event-source mappings and workers on the backlog)`);
  const statuses = new Map<string, number>();
  for (const t of r.summaries) statuses.set(t.status, (statuses.get(t.status) ?? 0) + 1);
  console.log(`  outcome  ${[...statuses].map(([s, n]) => `${s} ${n}`).join(', ')}`);

  console.log('\n  queue time while draining the backlog (max(created, drain start) → started), ms');
  console.log('  priority     p50     p95     p99   tasks');
  for (const priority of PRIORITIES) {
    const waits = r.summaries
      .filter((t) => t.priority === (priority as Priority) && t.startedAt !== undefined)
      .map((t) => Date.parse(t.startedAt as string) - Math.max(Date.parse(t.createdAt), r.drainFrom));
    const p = percentiles(waits);
    const cell = (v: number | undefined): string => String(v ?? '-').padStart(6);
    console.log(`  ${priority.padEnd(9)} ${cell(p?.p50)}  ${cell(p?.p95)}  ${cell(p?.p99)}  ${String(waits.length).padStart(6)}`);
  }

  const perTask = (calls: Map<string, number>, match: (key: string) => boolean): string =>
    ([...calls].filter(([k]) => match(k)).reduce((n, [, c]) => n + c, 0) / r.total).toFixed(2);
  console.log('\n  AWS API calls per task');
  console.log(`  submit     DynamoDB ${perTask(r.submitCalls, (k) => k.startsWith('DynamoDB'))}   SQS ${perTask(r.submitCalls, (k) => k.startsWith('SQS'))}`);
  console.log(
    `  execution  DynamoDB ${perTask(r.executionCalls, (k) => k.startsWith('DynamoDB'))}   SQS ${perTask(r.executionCalls, (k) => k.startsWith('SQS ') && !k.startsWith('SQS ('))}` +
      `   + polling ${perTask(r.executionCalls, (k) => k.startsWith('SQS ('))} (done by Lambda's event-source pollers on AWS)`,
  );
  for (const [phase, calls] of [['submit', r.submitCalls], ['execution', r.executionCalls]] as const) {
    console.log(`  ${phase}, by operation:`);
    for (const [key, count] of [...calls].sort((a, b) => b[1] - a[1])) console.log(`    ${key.padEnd(52)} ${(count / r.total).toFixed(2)}`);
  }
}

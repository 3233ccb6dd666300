/**
 * `npm run bench -- --cost-only [--tasks 1000] [--batch-tasks 10000]`: the cost
 * of a task, measured. Drives each scenario through a complete local stack
 * under its own tenant, then sizes every write from the table's stream and
 * every read and SQS request from the counted calls (see bench/cost/*.ts for
 * the rules), and prints units, requests and $ per task.
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { generateToken, hashToken } from '../shared/domain/token.js';
import { TABLE } from '../shared/topology/table.js';
import { TOPOLOGY } from '../shared/topology/topology.js';
import { STREAM_BATCH_SIZE, STREAM_BATCHING_WINDOW_SECONDS } from '../shared/topology/events.js';
import { startLocalStack } from '../local/runtime.js';
import { startEventSourceMappings } from '../local/event-source-mappings.js';
import type { Item } from './cost/item-size.js';
import { CallMeter } from './cost/meter.js';
import { SCENARIOS, ONE_KB_PAYLOAD, ONE_KB_RECORD_PAYLOAD } from './cost/scenarios.js';
import { TableStream, type StreamRecord } from './cost/stream.js';
import { dollarsPerMillion, isTaskKeys, PRICES, PROVISIONED, provisionedDollarsPerMillion, tally, type Figures } from './cost/tally.js';
import { EventsMeter, eventsCost, printEventsCost, type EventsFigures } from './events-cost.js';
import { AllInMeter, allInCost, type AllInFigures } from './cost/all-in.js';
import { printAllIn } from './cost/all-in-report.js';
import { measureIdleAgent, type IdleAgentFigures } from './cost/idle-agent.js';

export const COST_USAGE = `cost options:
  --tasks N         tasks per scenario (default 1000)
  --batch-tasks N   tasks of the batch-submit scenario (default: --tasks); the hottest-key
                    target (≤ 2 % of writes) is meant at 10000, where shards even out
  --scenarios a,b   only these (${SCENARIOS.map((s) => s.tenant.replace('cost-', '')).join(', ')})
  --idle-seconds N  the idle agent's measured window (default 60; 0 skips it)`;

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '1000' },
    'batch-tasks': { type: 'string' },
    scenarios: { type: 'string' },
    'idle-seconds': { type: 'string', default: '60' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(`usage: node --import tsx bench/cost.ts [options]\n${COST_USAGE}`);
  process.exit(0);
}
const positive = (v: string, flag: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer`);
  return n;
};
const tasks = positive(values.tasks, '--tasks');
const batchTasks = values['batch-tasks'] === undefined ? tasks : positive(values['batch-tasks'], '--batch-tasks');
const wanted = values.scenarios?.split(',').map((s) => `cost-${s.trim()}`);
const scenarios = SCENARIOS.filter((s) => wanted === undefined || wanted.includes(s.tenant));

console.log('cost: starting a local stack (fauxqs, DynamoDB Local)…');
const region = 'us-east-1';
// The stream mapping gathers records for its deployed window: the consumer's per-batch writes are counted as AWS bills them.
const stack = await startLocalStack({
  port: 0,
  sqsPort: 0,
  dynamoDbPort: 0,
  region,
  prefix: `cost${Date.now()}-`,
  tenant: 'cost',
  schedule: false,
  workers: false,
  streamBatchingWindowMs: STREAM_BATCHING_WINDOW_SECONDS * 1000,
});
const stream = await TableStream.open(stack.dynamoDbEndpoint, region, stack.tableName);
const results: { name: string; tenant: string; figures: Figures }[] = [];
const eventResults: { name: string; figures: EventsFigures }[] = [];
const allInResults: { name: string; tenant: string; figures: AllInFigures }[] = [];
const idleSeconds = Number(values['idle-seconds']);
let idle: IdleAgentFigures | undefined;

const completions = (records: readonly StreamRecord[]): number =>
  records.filter((r) => isTaskKeys(r.dynamodb?.Keys as Item | undefined) && r.dynamodb?.NewImage?.status?.S === 'COMPLETED' && r.dynamodb?.OldImage?.status?.S !== 'COMPLETED').length;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

try {
  for (const scenario of scenarios) {
    const n = scenario.tenant === 'cost-batch' ? batchTasks : tasks;
    const token = generateToken();
    await stack.services.taskDeps.tokens.put(hashToken(token), scenario.tenant, 'bench');
    await stream.drain(); // everything before this scenario (the token) is not its cost
    stack.calls.reset();
    const meter = new CallMeter(stack.calls);
    const eventsMeter = new EventsMeter(stack);
    const allInMeter = new AllInMeter(stack);
    const expected = scenario.completedTasks(n);
    const bars = new cliProgress.MultiBar(
      { format: ` ${scenario.name.padEnd(20)} {phase} |{bar}| {value}/{total}`, hideCursor: true, clearOnComplete: false, stream: process.stdout, noTTYOutput: !process.stdout.isTTY, notTTYSchedule: 5000 },
      cliProgress.Presets.shades_classic,
    );
    const submitted = bars.create(n, 0, { phase: 'submitted' });
    const completed = bars.create(expected, 0, { phase: 'completed' });
    const records: StreamRecord[] = [];
    const stop = await scenario.run({
      apiUrl: stack.apiUrl,
      token,
      tasks: n,
      startMappings: () => startEventSourceMappings({ sqsEndpoint: stack.sqsEndpoint, region, topology: TOPOLOGY, queueUrls: stack.queues.queueUrls, queueArns: stack.queues.queueArns, services: () => stack.services, calls: stack.calls }),
      progress: (count) => submitted.update(count),
    });
    // Wait on the stream itself: done when every task's COMPLETED write is in it.
    let done = 0;
    let lastProgress = Date.now();
    while (done < expected) {
      await sleep(1000);
      const more = await stream.drain();
      records.push(...more);
      const now = completions(more);
      if (now > 0) lastProgress = Date.now();
      done += now;
      completed.update(done);
      if (Date.now() - lastProgress > 180_000) {
        console.warn(`\n${scenario.name}: no completion for 3 minutes at ${done}/${expected}; measuring what ran`);
        break;
      }
    }
    bars.stop();
    await stop();
    // Trailing writes (counters, job and agent records) land after the last completion.
    for (let quiet = 0; quiet < 2; ) {
      await sleep(1000);
      const more = await stream.drain();
      records.push(...more);
      quiet = more.length === 0 ? quiet + 1 : 0;
    }
    meter.stop();
    eventsMeter.stop();
    allInMeter.stop();
    const figures = tally(n, records, meter);
    const events = eventsCost(n, records, eventsMeter);
    results.push({ name: scenario.name, tenant: scenario.tenant, figures });
    eventResults.push({ name: scenario.name, figures: events });
    allInResults.push({ name: scenario.name, tenant: scenario.tenant, figures: allInCost(n, allInMeter, dollarsPerMillion(figures), events.lambdaLoaded + events.sns, events.matchingPerTask / STREAM_BATCH_SIZE) });
  }
  if (idleSeconds > 0) {
    console.log(`cost: one idle agent for ${idleSeconds} s…`);
    const token = generateToken();
    await stack.services.taskDeps.tokens.put(hashToken(token), 'cost-idle', 'bench');
    idle = await measureIdleAgent(stack, token, stream, idleSeconds);
  }
} finally {
  stream.stop();
  await stack.stop();
}
report();
printEventsCost(eventResults, TOPOLOGY);
printAllIn(allInResults, idle, TOPOLOGY);

function report(): void {
  const indexes = Object.keys(TABLE.indexes);
  const fixed = (v: number, d = 2): string => v.toFixed(d);
  const header = ['scenario', 'tasks', 'WU/task', 'task', 'events', 'table', ...indexes, 'RU/task', 'SQS/task', 'item avg/max B', '$/M tasks', 'hottest key share'];
  const rows = results.map(({ name, figures: f }) => [
    name,
    String(f.tasks),
    fixed(f.writeUnits / f.tasks),
    fixed((f.writeUnits - f.streamConsumerUnits) / f.tasks),
    fixed(f.streamConsumerUnits / f.tasks),
    fixed(f.tableUnits / f.tasks),
    ...indexes.map((i) => fixed((f.indexUnits[i] ?? 0) / f.tasks)),
    fixed(f.readUnits / f.tasks),
    fixed((f.sqsRequests + f.pollerRequests) / f.tasks),
    `${Math.round(f.taskItemAvg)}/${f.taskItemMax}`,
    `$${fixed(dollarsPerMillion(f))}`,
    `${fixed(f.hottest.share * 100, 1)} % ${f.hottest.key}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `  ${cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}`;
  console.log(`\ntaskfleet cost per task — measured on a local stack (DynamoDB Local stream + counted calls), Node ${process.version}`);
  console.log(`  prices: us-east-1 on-demand list, ${PRICES.asOf}: DynamoDB $0.625/M write request units, $0.125/M read request units; SQS standard $0.40/M requests`);
  console.log(`  task payloads: ${JSON.stringify(ONE_KB_RECORD_PAYLOAD).length} B JSON (record with its echoed result ≈ 1 KB); "1 KB payload" row: ${JSON.stringify(ONE_KB_PAYLOAD).length} B`);
  console.log(line(header));
  for (const [i, row] of rows.entries()) {
    console.log(line(row));
    if (results[i]?.tenant === 'cost-batch') {
      const f = results[i].figures;
      const mark = (ok: boolean): string => (ok ? 'met' : 'MISSED');
      const taskUnits = (f.writeUnits - f.streamConsumerUnits) / f.tasks;
      console.log(
        `    targets (issue #10): ≤ 4.0 WU over the task's life ${mark(taskUnits <= 4)} (${fixed(taskUnits)}), ≤ 0.35 SQS ${mark((f.sqsRequests + f.pollerRequests) / f.tasks <= 0.35)}, ` +
          `≤ $2.50/M ${mark(dollarsPerMillion(f) <= 2.5)}, hottest key ≤ 2 % ${mark(f.hottest.share <= 0.02)}${f.tasks < 10_000 ? ' (meant at --batch-tasks 10000)' : ''}`,
      );
      console.log(
        '    the floor is 3 WU (create, claim, finish) while a claim guards against running a task twice; the table lists a task with a UUIDv7 id itself, so it writes no list index entry (a client-chosen id that is not one: 4)',
      );
      console.log(
        `    the same task on a provisioned table at steady load (autoscaling target ${PROVISIONED.targetUtilisation * 100} %, $${PROVISIONED.writeCapacityUnitHour}/WCU-h, $${PROVISIONED.readCapacityUnitHour}/RCU-h, ${PROVISIONED.asOf}): ` +
          `$${fixed(provisionedDollarsPerMillion(f))} per million — cheaper once load is steady enough to provision for; on-demand stays the stack's default (no capacity planning, no throttling on bursts)`,
      );
      console.log('    before (quoted from issue #10, previous layout, not re-measured): ~19 WU/task, ~1.5 RU/task, ~$12.40 per million tasks');
    }
    const f = results[i]?.figures;
    const mark = (ok: boolean): string => (ok ? 'met' : 'MISSED');
    if (results[i]?.tenant === 'cost-agent' && f !== undefined) {
      console.log(
        `    targets (issue #27): ≤ 6 WU ${mark(f.writeUnits / f.tasks <= 6)} (${fixed(f.writeUnits / f.tasks)}), ≤ 3 RU ${mark(f.readUnits / f.tasks <= 3)} (${fixed(f.readUnits / f.tasks)}), ` +
          `≤ $4.50/M ${mark(dollarsPerMillion(f) <= 4.5)} ($${fixed(dollarsPerMillion(f))})`,
      );
    }
    if (results[i]?.tenant === 'cost-job' && f !== undefined) {
      console.log(`    targets (issue #27): ≤ 5 WU ${mark(f.writeUnits / f.tasks <= 5)} (${fixed(f.writeUnits / f.tasks)}), ≤ $3.50/M ${mark(dollarsPerMillion(f) <= 3.5)} ($${fixed(dollarsPerMillion(f))})`);
    }
  }
  console.log('\n  WU = DynamoDB write request units (table + each index, from the stream: ceil(item KB), ×2 inside transactions);');
  console.log('  task = the task record\'s own writes; events = the table-stream consumer\'s (/stats counters, the event log), once per batch, not per task;');
  console.log('  RU = read request units (from each call\'s returned items: ceil(4 KB), ½ if eventually consistent);');
  console.log('  SQS = requests by the API and by the Lambda pollers that received messages (billed as SQS requests); $ includes all three.');
  console.log('  Empty polls are idle time, not per-task work (on AWS a fixed cost per queue per minute), so they are left out:');
  for (const { name, figures: f } of results) {
    for (const error of f.errors) console.log(`    ${name}: a call could not be sized: ${error}`);
    const writes = [...f.byWrite].sort((a, b) => b[1] - a[1]).map(([k, u]) => `${k} ${fixed(u / f.tasks)}`).join(', ');
    console.log(`    ${name.padEnd(22)} WU by write: ${writes}`);
    console.log(`    ${name.padEnd(22)} RU by read: ${[...f.byRead].sort((a, b) => b[1] - a[1]).map(([k, u]) => `${k} ${fixed(u / f.tasks)}`).join(', ')}`);
    console.log(`    ${name.padEnd(22)} empty polls ${f.emptyPolls}, stream records ${f.records}, calls: ${[...f.calls].sort((a, b) => b[1] - a[1]).map(([k, c]) => `${k} ${fixed(c / f.tasks)}`).join(', ')}`);
  }
}

/**
 * `npm run bench -- --stats`: what one `GET /stats` reads from DynamoDB as the
 * tenant's task count grows (issue #25: it must read counters and aggregates, never
 * task history). The tenant's task records are written straight through BatchWrite
 * (the API would take an hour to fill 100,000), and an hour of per-minute aggregates
 * as busy as a tenant can make them (every priority's sketch spread over 40 buckets)
 * is added through the aggregates adapter. Each size then calls GET /stats (the
 * hour's window, which the dashboard polls) and sizes what it read with the cost bench's meter
 * (bench/cost/meter.ts: read units as AWS bills them, from the items returned).
 * For comparison it prints what the earlier /stats read per call: the tenant's
 * 500 latest tasks.
 */
import { parseArgs } from 'node:util';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from '../local/runtime.js';
import { DynamoDbMinuteAggregates } from '../shared/adapters/dynamodb/dynamodb-minute-aggregates.js';
import { toTaskItem } from '../shared/adapters/dynamodb/task-item.js';
import { EMPTY_MINUTE, minuteOf, type MinuteCounts, type MinuteDeltas } from '../shared/domain/minute-aggregates.js';
import { PRIORITIES } from '../shared/domain/priority.js';
import type { Task } from '../shared/domain/task.js';
import { createDocumentClient } from '../shared/adapters/aws-clients.js';
import { CallMeter } from './cost/meter.js';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,100000' }, calls: { type: 'string', default: '5' } } });
const sizes = (values.sizes ?? '').split(',').map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sizes takes task counts, e.g. 1000,100000');
const calls = Number(values.calls);

const tenant = 'bench-stats';
const region = 'us-east-1';
console.log('stats: starting a local stack (DynamoDB Local, fauxqs; no workers, no stream consumer)…');
const stack = await startLocalStack({ port: 0, sqsPort: 0, dynamoDbPort: 0, region, prefix: `stats${Date.now()}-`, tenant, schedule: false, workers: false, events: false, log: () => {} });
// The stack's own emulator: the local runtime keeps its settings to itself (no process.env).
const db = createDocumentClient({ region, dynamoDbEndpoint: stack.dynamoDbEndpoint });

/** Writes tasks `from` … `to - 1` of the tenant, 25 an item batch, 8 batches at once. */
async function fill(from: number, to: number): Promise<void> {
  const at = Date.now();
  const items = (i: number) => {
    const created = new Date(at - (to - i) * 1000).toISOString();
    const task: Task = {
      id: `t-${String(i).padStart(7, '0')}`,
      tenant,
      type: 'echo',
      payload: { i, text: 'x'.repeat(200) },
      priority: PRIORITIES[i % PRIORITIES.length] ?? 'normal',
      requires: [],
      pool: 'general',
      status: 'COMPLETED',
      attempts: 1,
      maxAttempts: 3,
      timeoutSeconds: 30,
      delaySeconds: 0,
      result: { ok: true },
      createdAt: created,
      updatedAt: created,
      startedAt: created,
      finishedAt: created,
      revision: 3,
    };
    return toTaskItem(task);
  };
  const batches: number[] = [];
  for (let i = from; i < to; i += 25) batches.push(i);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < batches.length) {
        const start = batches[next++] as number;
        let requests = Array.from({ length: Math.min(25, to - start) }, (_, k) => ({ PutRequest: { Item: items(start + k) } }));
        while (requests.length > 0) {
          const out = await db.send(new BatchWriteCommand({ RequestItems: { [stack.tableName]: requests } }));
          requests = (out.UnprocessedItems?.[stack.tableName] ?? []) as typeof requests;
        }
      }
    }),
  );
}

/** An hour of minutes, each with every priority's sketch over 40 buckets in each of its 4 shards: a busy tenant's worst case for the hour the dashboard polls. */
async function fillAggregates(): Promise<void> {
  const deltas: MinuteDeltas = new Map([[tenant, new Map<string, MinuteCounts>()]]);
  for (let m = 0; m < 60; m++) {
    const queueTime = Object.fromEntries(PRIORITIES.map((p) => [p, Object.fromEntries(Array.from({ length: 40 }, (_, b) => [100 + b, 3]))]));
    deltas.get(tenant)?.set(minuteOf(new Date(Date.now() - m * 60_000)), { ...EMPTY_MINUTE, completed: 120, failed: 2, retried: 3, queueTime, waiting: { normal: 1 } });
  }
  // Four adds: each lands on a random shard, as concurrent stream batches would.
  const aggregates = new DynamoDbMinuteAggregates(db, stack.tableName);
  const minutes = [...(deltas.get(tenant) ?? [])];
  for (let i = 0; i < 4; i++) for (let m = 0; m < minutes.length; m += 40) await aggregates.add(new Map([[tenant, new Map(minutes.slice(m, m + 40))]]));
  console.log('stats: an hour of per-minute aggregates written');
}

async function measure(call: () => Promise<unknown>): Promise<{ units: number; calls: number }> {
  const figures: { units: number; calls: number }[] = [];
  for (let i = 0; i < calls; i++) {
    const meter = new CallMeter(stack.calls);
    await call();
    meter.stop();
    figures.push({ units: meter.readUnits, calls: [...meter.calls].filter(([name]) => name.startsWith('DynamoDB')).reduce((n, [, c]) => n + c, 0) });
  }
  // The median call: a stray background read (none is expected: no workers, no sweep) does not move it.
  return figures.sort((a, b) => a.units - b.units)[Math.floor(figures.length / 2)] as { units: number; calls: number };
}

const stats = (window: string) => async (): Promise<void> => {
  const response = await fetch(`${stack.apiUrl}/stats?window=${window}`, { headers: { authorization: `Bearer ${stack.token}` } });
  if (!response.ok) throw new Error(`GET /stats answered ${response.status}`);
  await response.text();
};

const rows: { tasks: number; hour: { units: number; calls: number }; history: { units: number; calls: number } }[] = [];
try {
  await fillAggregates();
  let written = 0;
  for (const size of [...sizes].sort((a, b) => a - b)) {
    const started = Date.now();
    await fill(written, size);
    written = size;
    console.log(`stats: ${size.toLocaleString('en')} task records written (${Math.round((Date.now() - started) / 1000)} s)`);
    rows.push({
      tasks: size,
      hour: await measure(stats('hour')),
      history: await measure(() => stack.services.taskDeps.queries.list({ tenant, limit: 500 })),
    });
  }
} finally {
  await stack.stop();
}

console.log('\nGET /stats: DynamoDB read units per call (eventually consistent, sized from the items returned)');
console.log('| tenant tasks | GET /stats | its DynamoDB calls | the 500 latest tasks (what the earlier /stats read) |');
console.log('| ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(`| ${r.tasks.toLocaleString('en')} | ${r.hour.units} | ${r.hour.calls} | ${r.history.units} |`);
// The hour's window slides while the bench runs (a minute item more or less at its edge): ±5 % is the same cost.
const hours = rows.map((r) => r.hour.units);
const spread = Math.max(...hours) / Math.max(1, Math.min(...hours));
console.log(spread <= 1.05 ? `\nconstant: the hour's read units vary ${Math.round((spread - 1) * 100)} % from ${rows[0]?.tasks.toLocaleString('en')} to ${rows.at(-1)?.tasks.toLocaleString('en')} tasks (the window sliding).` : '\nNOT constant: /stats reads more as the tenant grows.');

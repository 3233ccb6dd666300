/**
 * `npm run bench:jobs [-- --children 100000]`: one map-reduce job of N
 * `count-words` children and a `merge-counts` reduce through a complete local
 * stack (emulators, HTTP API, event-source mappings, workers, the sweep), and
 * prints figures: how long POST /jobs took to answer, how long the expansion
 * took (every child written and sent), how long until the job completed, and
 * children per second. Figures only; nothing passes or fails on time.
 */
import { parseArgs } from 'node:util';
import { startLocalStack } from '../local/runtime.js';

const { values } = parseArgs({
  options: {
    children: { type: 'string', default: '100000' },
    events: { type: 'boolean', default: false },
    priority: { type: 'string', default: 'critical' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log('usage: npm run bench:jobs -- [--children N (100000)] [--priority critical|high|normal|low (critical: the most worker concurrency)] [--events (run the stream consumer too)]');
  process.exit(0);
}
const total = Number(values.children);
if (!Number.isInteger(total) || total < 1) throw new Error('--children must be a positive integer');

console.log(`starting a local stack (fauxqs, DynamoDB Local, workers, the sweep${values.events ? ', the stream consumer' : ''})…`);
const stack = await startLocalStack({
  port: 0,
  sqsPort: 0,
  dynamoDbPort: 0,
  region: 'us-east-1',
  prefix: `jobs${Date.now()}-`,
  tenant: 'bench',
  schedule: true,
  workers: true,
  events: values.events,
});
async function api(method: string, path: string, body?: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.apiUrl}${path}`, { method, headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' }, ...(body !== undefined ? { body } : {}) });
  return { status: response.status, body: await response.json() };
}
const items = Array.from({ length: total }, (_, i) => ({ text: i % 2 === 0 ? 'even' : 'odd' }));
const body = JSON.stringify({ map: { type: 'count-words', items }, reduce: { type: 'merge-counts' }, priority: values.priority });
console.log(`submitting a job of ${total.toLocaleString('en')} ${values.priority} children (${(Buffer.byteLength(body) / 1e6).toFixed(2)} MB of request)…`);

const started = performance.now();
const submitted = await api('POST', '/jobs', body);
const acceptedMs = performance.now() - started;
if (submitted.status !== 202) throw new Error(`POST /jobs answered ${submitted.status}: ${JSON.stringify(submitted.body)}`);
const id = submitted.body.id as string;

let expandedAt: number | undefined;
let job: { status: string; expanded?: number; completed: number; failed: number; result?: Record<string, number>; error?: string };
let lastLine = 0;
for (;;) {
  job = (await api('GET', `/jobs/${id}`)).body;
  const now = performance.now();
  if (expandedAt === undefined && (job.expanded ?? total) >= total) expandedAt = now;
  if (now - lastLine > 15_000) {
    lastLine = now;
    console.log(`  ${((now - started) / 1000).toFixed(0)} s: ${job.status}, expanded ${job.expanded ?? '?'}, completed ${job.completed}, failed ${job.failed}`);
  }
  if (!['RUNNING', 'REDUCING'].includes(job.status)) break;
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}
const doneMs = performance.now() - started;
await stack.stop();

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
console.log(`
job of ${total.toLocaleString('en')} children: ${job.status}${job.error ? ` (${job.error})` : ''}
  POST /jobs answered 202 in   ${acceptedMs.toFixed(0)} ms
  expansion (all written+sent) ${expandedAt === undefined ? '?' : seconds(expandedAt - started)}   (${expandedAt === undefined ? '?' : Math.round(total / ((expandedAt - started) / 1000))} children/s)
  completed (reduce included)  ${seconds(doneMs)}   (${Math.round(total / (doneMs / 1000))} children/s)
  result                       ${JSON.stringify(job.result)}`);
process.exit(job.status === 'COMPLETED' && job.result?.even === Math.ceil(total / 2) ? 0 : 1);

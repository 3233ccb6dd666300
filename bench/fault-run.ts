/**
 * A fault run: a mixed load through the local stack while things go wrong, then
 * a count of where every accepted task ended.
 *
 *   npm run bench:faults [-- --tasks 600 --agents 3]
 *
 * Starts `npm start` (its own data folder and ports) as a child process, submits
 * Lambda-pool tasks (echo, sleep, fail; all priorities; some delayed, some with a
 * deadline they cannot meet, some cancelled) and agent-pool tasks, injects
 * duplicates (re-submits with the same idempotency key, and copies of queue
 * messages), runs agents (`taskfleet work`, the SDK Worker) and SIGKILLs some
 * mid-task, and restarts the stack mid-run (SIGKILL, then a fresh `npm start` on
 * the kept data). Then: accepted = completed + failed + cancelled + expired,
 * lost (accepted, then not found) 0, stuck (not finished in the limit) 0.
 * Agents talk only to the public HTTP API.
 */
import { SendMessageBatchCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../local/free-port.js';

const { values } = parseArgs({ options: { tasks: { type: 'string', default: '600' }, agents: { type: 'string', default: '3' }, 'limit-minutes': { type: 'string', default: '15' } } });
const TOTAL = Number(values.tasks);
const AGENTS = Number(values.agents);
const LIMIT_MS = Number(values['limit-minutes']) * 60_000;
const ROOT = resolve(import.meta.dirname, '..');
const TOKEN = `tf_fault_${Date.now()}`;
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED']);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const dataDir = mkdtempSync(join(tmpdir(), 'taskfleet-faults-'));
const ports = { PORT: await freePort(), SQS_PORT: await freePort(), DYNAMODB_PORT: await freePort() };
const api = `http://127.0.0.1:${ports.PORT}`;
const env = { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), TASKFLEET_DATA_DIR: dataDir, TASKFLEET_TOKEN: TOKEN, TASKFLEET_URL: api };

async function startStack(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', '--quiet'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((done, fail) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('taskfleet is running')) done();
      for (const line of chunk.toString().split('\n')) if (/re-sent|orphan/.test(line)) console.log(`  stack: ${line.trim()}`);
    });
    child.once('exit', (code) => fail(new Error(`npm start exited with ${code}:\n${out}`)));
  });
  return child;
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(`${api}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      const text = await res.text();
      return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
    } catch (error) {
      if (attempt > 120) throw error; // the stack is restarting: wait for it
      await sleep(1000);
    }
  }
}

let finishing = false;
let agentExits = 0;
/**
 * An agent (`taskfleet work`: the SDK Worker) kept running the way a service
 * manager would: one that exits (killed, or given up while the stack restarts)
 * is started again. Each task sleeps a little, so a SIGKILL lands mid-task.
 */
function startAgent(): ChildProcess {
  const child = spawn(process.execPath, ['bin/taskfleet.mjs', 'work', '--capabilities', 'shell', '--', 'sh', '-c', 'sleep 0.3; cat'], { cwd: ROOT, env, stdio: 'ignore' });
  child.once('exit', () => {
    const index = agents.indexOf(child);
    if (index >= 0) agents.splice(index, 1);
    if (finishing) return;
    agentExits++;
    setTimeout(() => agents.push(startAgent()), 1000);
  });
  return child;
}

/** The mixed load: one item per task, with an idempotency key so a re-submit is a duplicate. */
function load(n: number): Record<string, unknown>[] {
  const priorities = ['critical', 'high', 'normal', 'low'];
  return Array.from({ length: n }, (_, i) => {
    const base = { idempotencyKey: `fault-${i}`, priority: priorities[i % 4] };
    switch (i % 10) {
      case 0: return { ...base, type: 'fail', payload: { message: 'planned failure' }, maxAttempts: 2 };
      case 1: return { ...base, type: 'sleep', payload: { ms: 200 } };
      case 2: return { ...base, type: 'echo', payload: { i }, delaySeconds: 20, deadline: new Date(Date.now() + 5_000).toISOString() };
      case 3: case 4: return { ...base, type: 'shell-job', requires: ['shell'], payload: { i } };
      case 5: return { ...base, type: 'echo', payload: { i }, delaySeconds: 30 }; // cancelled before it runs
      default: return { ...base, type: 'echo', payload: { i } };
    }
  });
}

let stack = await startStack();
const agents: ChildProcess[] = [];
// Whatever happens, leave nothing running (SIGINT lets the stack stop its DynamoDB Local).
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));
process.on('exit', () => {
  finishing = true;
  for (const agent of agents) agent.kill('SIGKILL');
  stack.kill('SIGINT');
});
console.log(`fault run: ${TOTAL} tasks, ${AGENTS} agents, data in ${dataDir}`);
const tasks = load(TOTAL);
const ids = new Set<string>();
let timeouts = 0;
for (let i = 0; i < tasks.length; i += 50) {
  let answer = await call('POST', '/tasks/batch', { tasks: tasks.slice(i, i + 50) });
  // 503 timeout on a slow table: the same idempotency keys make the retry safe.
  while (answer.status === 503) (timeouts++, (answer = await call('POST', '/tasks/batch', { tasks: tasks.slice(i, i + 50) })));
  if (answer.status !== 202) throw new Error(`batch answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  for (const item of answer.body.items) if (item.id !== undefined) ids.add(item.id);
}
if (timeouts > 0) console.log(`${timeouts} batches timed out (503) and were retried with the same idempotency keys`);
const accepted = ids.size;
console.log(`accepted ${accepted}`);

// Duplicates: the same submissions again (idempotency), and copies of the queue messages.
const again = await call('POST', '/tasks/batch', { tasks: tasks.slice(0, 50) });
const duplicateSubmits = again.body.items.filter((i: { status: number }) => i.status === 200).length;
const sqs = new SQSClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${ports.SQS_PORT}`, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const queueUrl = (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'taskfleet-general-normal' }))).QueueUrls?.find((u) => !u.includes('dlq'));
let duplicateMessages = 0;
if (queueUrl !== undefined) {
  const normal = [...ids].slice(0, 60);
  for (let i = 0; i < normal.length; i += 10) {
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: normal.slice(i, i + 10).map((id, n) => ({ Id: String(n), MessageBody: JSON.stringify({ taskId: id, tenant: 'local' }) })) }));
    duplicateMessages += Math.min(10, normal.length - i);
  }
}
sqs.destroy();
console.log(`duplicates: ${duplicateSubmits} re-submits answered 200, ${duplicateMessages} queue messages copied`);

// Cancel the delayed ones.
let cancelRequests = 0;
for (const [index, id] of [...ids].entries()) if (index % 10 === 5) (await call('DELETE', `/tasks/${id}`), cancelRequests++);

agents.push(...Array.from({ length: AGENTS }, startAgent));
await sleep(3000);
let killedAgents = 0;
for (const agent of agents.slice(0, Math.max(1, AGENTS - 1))) (agent.kill('SIGKILL'), killedAgents++);
console.log(`killed ${killedAgents} agents mid-task (each is started again)`);

await sleep(2000);
stack.kill('SIGKILL');
await new Promise((r) => stack.once('exit', r));
console.log('stack SIGKILLed mid-run; starting it again on the kept data');
stack = await startStack();

const started = Date.now();
const counts: Record<string, number> = {};
let lost = 0;
let stuck: string[] = [];
while (true) {
  for (const key of Object.keys(counts)) delete counts[key];
  lost = 0;
  stuck = [];
  for (const id of ids) {
    const { status, body } = await call('GET', `/tasks/${id}`);
    if (status === 404) lost++;
    else {
      counts[body.status] = (counts[body.status] ?? 0) + 1;
      if (!TERMINAL.has(body.status)) stuck.push(id);
    }
  }
  if (stuck.length === 0 || Date.now() - started > LIMIT_MS) break;
  console.log(`  waiting: ${stuck.length} not finished yet (${JSON.stringify(counts)})`);
  await sleep(10_000);
}

finishing = true;
for (const agent of agents) agent.kill('SIGTERM');
stack.kill('SIGINT');
await new Promise((r) => stack.once('exit', r));
rmSync(dataDir, { recursive: true, force: true });

const finished = (counts.COMPLETED ?? 0) + (counts.FAILED ?? 0) + (counts.CANCELLED ?? 0) + (counts.EXPIRED ?? 0);
console.log(`
accepted   ${accepted}
completed  ${counts.COMPLETED ?? 0}
failed     ${counts.FAILED ?? 0}
cancelled  ${counts.CANCELLED ?? 0}   (${cancelRequests} cancel requests)
expired    ${counts.EXPIRED ?? 0}
finished   ${finished}  (= completed + failed + cancelled + expired)
lost       ${lost}
stuck      ${stuck.length}${stuck.length > 0 ? `  e.g. ${stuck.slice(0, 3).join(', ')}` : ''}
agent exits ${agentExits} (${killedAgents} SIGKILLed; the rest gave up while the stack was down), each replaced
`);
process.exit(lost === 0 && stuck.length === 0 && finished === accepted ? 0 : 1);

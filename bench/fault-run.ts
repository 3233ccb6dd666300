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
 * lost (accepted, then not found) 0, stuck (not finished in the limit) 0, and what
 * the table's stream derived came through the kill -9 exactly: events expected (a
 * creation and an ending per task) = delivered, none twice; `/stats` = the tasks' statuses.
 * Agents talk only to the public HTTP API.
 */
import { SendMessageBatchCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../local/free-port.js';
import { taskKey } from '../shared/adapters/dynamodb/task-item.js';
import { TERMINAL_STATUSES } from '../shared/domain/task-status.js';
import { TOPOLOGY } from '../shared/topology/topology.js';
import { counterDifferences, countEvents, countFaultRun, passed, summaryLine, timedOutAttempts, type AgentRecord, type EventCounts, type FinalView, type LoggedEvent } from './fault-accounting.js';

const { values } = parseArgs({ options: { tasks: { type: 'string', default: '600' }, agents: { type: 'string', default: '3' }, 'limit-minutes': { type: 'string', default: '15' }, keep: { type: 'boolean', default: false } } });
const TOTAL = Number(values.tasks);
const AGENTS = Number(values.agents);
const LIMIT_MS = Number(values['limit-minutes']) * 60_000;
const ROOT = resolve(import.meta.dirname, '..');
const TOKEN = `tf_fault_${Date.now()}`;
/** When the run began: the event log is read from here to explain a re-run. */
const runStartedAt = Date.now();
const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_STATUSES);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const dataDir = mkdtempSync(join(tmpdir(), 'taskfleet-faults-'));
const ports = { PORT: await freePort(), SQS_PORT: await freePort(), DYNAMODB_PORT: await freePort() };
const api = `http://127.0.0.1:${ports.PORT}`;
const env = { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), TASKFLEET_DATA_DIR: dataDir, TASKFLEET_TOKEN: TOKEN, TASKFLEET_URL: api };

/**
 * Each child leads its own process group (detached), and is ended with the whole
 * group: a SIGKILLed stack takes its DynamoDB Local (Java) and any other child with
 * it, as a crashed machine would, and none outlives the run to write into a later one.
 */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

async function startStack(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', '--quiet'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
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
/** Every agent process of the run, from its `taskfleet work` log lines. */
const agentRecords: (AgentRecord & { leased: Set<string>; finished: Set<string>; died: boolean })[] = [];
/**
 * An agent (`taskfleet work`: the SDK Worker) kept running the way a service
 * manager would: one that exits (killed, or given up while the stack restarts)
 * is started again. Each task sleeps a little, so a SIGKILL lands mid-task.
 */
function startAgent(): ChildProcess {
  const child = spawn(process.execPath, ['bin/taskfleet.mjs', 'work', '--capabilities', 'shell', '--', 'sh', '-c', 'sleep 0.3; cat'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  const record = { pid: child.pid ?? 0, leased: new Set<string>(), finished: new Set<string>(), died: false };
  agentRecords.push(record);
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const [, id, what] = /^\S+ (\S+) (?:\S+ )?(leased|completed|failed)/.exec(line) ?? [];
      if (id === undefined) continue;
      if (what === 'leased') record.leased.add(id);
      else record.finished.add(id);
    }
  });
  child.once('exit', () => {
    if (!finishing) record.died = true;
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
      // Half fail once and then succeed (a retry), half fail every attempt (FAILED, in the DLQ with its error).
      case 0: return { ...base, type: 'fail', payload: { times: i % 20 === 0 ? 99 : 1 }, maxAttempts: 2 };
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
  for (const agent of agents) killGroup(agent, 'SIGKILL');
  killGroup(stack, 'SIGKILL');
});
console.log(`fault run: ${TOTAL} tasks, ${AGENTS} agents, data in ${dataDir}`);
const tasks = load(TOTAL);
const ids = new Set<string>();
/** idempotencyKey → the last answer to an item that carried no id (a refusal): a task kept under such a key is a half-written record. */
const refusedAnswers = new Map<string, { status: number; code?: string; message?: string }>();
/** id → `<pool>-<priority>`, the queue its messages go to (Lambda pools). */
const placed = new Map<string, string>();
let timeouts = 0;
for (let i = 0; i < tasks.length; i += 50) {
  // A deadline from now, not from when the load was built: a slow machine must not turn expiries into refusals.
  const batch = tasks.slice(i, i + 50).map((t) => (t.deadline !== undefined ? { ...t, deadline: new Date(Date.now() + 10_000).toISOString() } : t));
  let answer = await call('POST', '/tasks/batch', { tasks: batch });
  // 503 timeout on a slow table: the same idempotency keys make the retry safe.
  while (answer.status === 503) (timeouts++, (answer = await call('POST', '/tasks/batch', { tasks: batch })));
  if (answer.status !== 202) throw new Error(`batch answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  for (const item of answer.body.items as { index: number; id?: string; pool?: string; priority?: string; status: number; error?: { code?: string; message?: string } }[]) {
    const key = String(batch[item.index]?.idempotencyKey);
    if (item.id === undefined) {
      refusedAnswers.set(key, { status: item.status, ...(item.error ?? {}) });
      continue;
    }
    refusedAnswers.delete(key);
    ids.add(item.id);
    placed.set(item.id, `${item.pool}-${item.priority}`);
  }
}
if (timeouts > 0) console.log(`${timeouts} batches timed out (503) and were retried with the same idempotency keys`);
const accepted = ids.size;
console.log(`accepted ${accepted}${refusedAnswers.size > 0 ? `; refused ${refusedAnswers.size}: ${JSON.stringify([...refusedAnswers].slice(0, 3))}` : ''}`);

// Duplicates: the same submissions again (idempotency), and copies of the queue messages.
const again = await call('POST', '/tasks/batch', { tasks: tasks.slice(0, 50) });
const duplicateSubmits = again.body.items.filter((i: { status: number }) => i.status === 200).length;
const sqs = new SQSClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${ports.SQS_PORT}`, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const queues = ((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'taskfleet-' }))).QueueUrls ?? []).filter((u) => !u.includes('dlq'));
const lambdaPools = new Set(TOPOLOGY.pools.filter((p) => p.runsOn === 'lambda').map((p) => p.name));
const queueOf = (name: string): string | undefined => queues.find((u) => u.endsWith(`/taskfleet-${name}`));
// Copies of the first 60 tasks' messages: each on its own queue (a duplicate delivery), and
// an agent-pool task's on a Lambda queue (a misrouted one: no Lambda worker may take it;
// agent pools have no work queue of their own, only DLQs, which ListQueues' filter drops).
let duplicateMessages = 0;
let strayMessages = 0;
for (const id of [...ids].slice(0, 60)) {
  const place = placed.get(id) ?? '';
  const own = lambdaPools.has(place.slice(0, place.lastIndexOf('-'))) ? queueOf(place) : undefined;
  const url = own ?? queueOf('general-normal');
  if (url === undefined) continue;
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: '0', MessageBody: JSON.stringify({ taskId: id, tenant: 'local', sentAt: new Date().toISOString() }) }] }));
  if (own !== undefined) duplicateMessages++;
  else strayMessages++;
}
sqs.destroy();
console.log(`duplicates: ${duplicateSubmits} re-submits answered 200, ${duplicateMessages} queue messages copied, ${strayMessages} agent-pool tasks' messages put on a Lambda queue`);

// Cancel the delayed ones.
let cancelRequests = 0;
for (const [index, id] of [...ids].entries()) if (index % 10 === 5) (await call('DELETE', `/tasks/${id}`), cancelRequests++);

agents.push(...Array.from({ length: AGENTS }, startAgent));
let killedAgents = 0;
const killedMidTask: string[] = [];
for (const agent of agents.slice(0, Math.max(1, AGENTS - 1))) {
  // SIGKILL it while it runs a task (it logged a lease it has not finished), waiting up to a minute for one.
  const record = agentRecords.find((r) => r.pid === agent.pid);
  const running = (): string[] => [...(record?.leased ?? [])].filter((id) => !record?.finished.has(id));
  for (let waited = 0; running().length === 0 && waited < 60_000; waited += 50) await sleep(50);
  killedMidTask.push(...running());
  killGroup(agent, 'SIGKILL');
  killedAgents++;
}
console.log(`killed ${killedAgents} agents, mid-task on ${killedMidTask.length} tasks (each agent is started again)`);

await sleep(2000);
killGroup(stack, 'SIGKILL');
await new Promise((r) => stack.once('exit', r));
console.log('stack SIGKILLed mid-run (its whole process group); starting it again on the kept data');
stack = await startStack();

const started = Date.now();
const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${ports.DYNAMODB_PORT}`, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
/**
 * Everything about an unfinished task: its public view, the timer the sweep
 * holds for it (`due`, not in the view) and, for an agent's lease, that agent
 * and whether its record holds the lease (how the sweep watches the attempt).
 */
async function describe(id: string): Promise<string> {
  const view = (await call('GET', `/tasks/${id}`)).body;
  const item = (await db.send(new GetCommand({ TableName: 'taskfleet-tasks', Key: taskKey('local', id), ConsistentRead: true }))).Item;
  const timer = item?.dueKind === undefined ? 'none' : `${item.dueKind} at ${item.dueAt}`;
  const agent = view?.worker === undefined ? undefined : await call('GET', `/workers/${encodeURIComponent(view.worker)}`);
  const watched = (agent?.body?.runningTasks ?? []).some((t: { taskId: string }) => t.taskId === id) ? 'its record holds the lease' : 'its record does NOT hold the lease';
  const holder = agent?.status === 200 ? ` holder: agent ${agent.body.status}, last seen ${agent.body.lastSeenAt}, ${watched}` : '';
  return `    ${JSON.stringify(view)}\n    timer: ${timer}; now ${new Date().toISOString()};${holder}`;
}

/** The events of `ids` since the run began, one line each: what happened to each attempt. */
async function eventTrails(ids: ReadonlySet<string>): Promise<string> {
  if (ids.size === 0) return '';
  const byTask = new Map<string, string[]>();
  let after = new Date(runStartedAt).toISOString();
  for (let page = 0; page < 400; page++) {
    const { status, body } = await call('GET', `/events?limit=500&after=${encodeURIComponent(after)}`);
    if (status !== 200 || body.items.length === 0) break;
    for (const event of body.items as { type: string; at: string; task?: { id: string; attempts?: number; worker?: string; error?: { message?: string } } }[]) {
      const task = event.task;
      if (task === undefined || !ids.has(task.id)) continue;
      const line = `${event.at} ${event.type} attempt ${task.attempts ?? '?'}${task.worker !== undefined ? ` on ${task.worker}` : ''}${task.error?.message !== undefined ? `: ${task.error.message.slice(0, 100)}` : ''}`;
      byTask.set(task.id, [...(byTask.get(task.id) ?? []), line]);
    }
    if (body.next === after) break;
    after = body.next;
  }
  return [...ids].map((id) => `\n  history of ${id}:\n${(byTask.get(id) ?? ['(no events found)']).map((l) => `    ${l}`).join('\n')}`).join('');
}

/**
 * Every task the tenant's table holds (GET /tasks, paging): what the stream derived
 * from, so the expected events and counts come from it, not only from the answers
 * that carried an id. The run has its own data folder, so the tenant holds only this run's tasks.
 */
async function tableIds(): Promise<string[]> {
  const all: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const { status, body } = await call('GET', `/tasks?limit=100${cursor !== undefined ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (status !== 200) throw new Error(`GET /tasks answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
    all.push(...(body.items as { id: string }[]).map((t) => t.id));
    cursor = body.nextCursor;
    if (cursor === undefined) break;
  }
  return all;
}
/**
 * Tasks in the table this run's answers did not name, with the answer their key got:
 * `npm start`'s own sample task (one per start, under a key of its own), or a submit
 * whose answer was lost (none), or one answered with an error yet kept (a bug).
 */
const unanswered = new Map<string, { key?: string; answer?: { status: number; code?: string; message?: string } }>();
/** `npm start` submits one sample task each time it starts (local/start.ts). */
const isStackSample = (key: string | undefined): boolean => key?.startsWith('npm-start-sample-') === true;
const views = new Map<string, FinalView | undefined>();
let stuck: string[] = [];
const described = new Set<string>();
while (true) {
  for (const id of await tableIds()) {
    if (ids.has(id)) continue;
    const key = (await call('GET', `/tasks/${id}`)).body?.idempotencyKey as string | undefined;
    const answer = key === undefined ? undefined : refusedAnswers.get(key);
    unanswered.set(id, { ...(key !== undefined ? { key } : {}), ...(answer !== undefined ? { answer } : {}) });
    if (!isStackSample(key)) console.log(`  in the table, not answered with its id: ${id} (idempotencyKey ${key ?? 'none'}${answer !== undefined ? `, answered ${JSON.stringify(answer)}` : ''})`);
    ids.add(id);
  }
  stuck = [];
  const counts: Record<string, number> = {};
  for (const id of ids) {
    const { status, body } = await call('GET', `/tasks/${id}`);
    views.set(id, status === 404 ? undefined : body);
    if (status === 404) continue;
    counts[body.status] = (counts[body.status] ?? 0) + 1;
    if (!TERMINAL.has(body.status)) stuck.push(id);
  }
  if (stuck.length === 0 || Date.now() - started > LIMIT_MS) break;
  console.log(`  waiting: ${stuck.length} not finished yet (${JSON.stringify(counts)})`);
  // Two minutes after the restart every attempt the run cut off has had time to lapse: show what is left.
  if (Date.now() - started > 120_000 && stuck.length <= 20) {
    for (const id of stuck.filter((i) => !described.has(i))) (described.add(id), console.log(`  still unfinished ${id}:\n${await describe(id)}`));
  }
  await sleep(10_000);
}
const settledSeconds = Math.round((Date.now() - started) / 1000);
const stuckViews = await Promise.all(stuck.slice(0, 20).map(async (id) => `  ${id}:\n${await describe(id)}`));

// An unexplained re-run shows its history (the tenant's event log keeps an hour), so it can be explained or fixed.
// Every FAILED task must be in its DLQ with its error: read the letters (SQS samples a receive, so ask a few times).
const failedIds = new Set([...views.values()].filter((v) => v?.status === 'FAILED').map((v) => (v as FinalView).id));
const lettered = new Set<string>();
for (let round = 0; round < 20 && [...failedIds].some((id) => !lettered.has(id)); round++) {
  const { status, body } = await call('GET', '/dlq?limit=100');
  if (status === 200) for (const letter of body.letters as { taskId: string }[]) lettered.add(letter.taskId);
}
const failedWithoutLetter = [...failedIds].filter((id) => !lettered.has(id));

// What the stream derived (events, /stats counts) against where the tasks ended, across the kill -9:
// waited for while the consumer catches up, then reported as it stands.
async function loggedEvents(): Promise<LoggedEvent[]> {
  const all: LoggedEvent[] = [];
  let after = new Date(runStartedAt).toISOString();
  for (let page = 0; page < 400; page++) {
    const { status, body } = await call('GET', `/events?limit=500&after=${encodeURIComponent(after)}`);
    if (status !== 200) break;
    all.push(...(body.items as LoggedEvent[]));
    if (body.items.length < 500 || body.next === after) break;
    after = body.next;
  }
  return all;
}
let events: EventCounts = { expected: 0, delivered: 0, missing: [], duplicated: [] };
let counterGaps: ReturnType<typeof counterDifferences> = {};
let shownCounts: Record<string, number> = {};
for (const deadline = Date.now() + 120_000; ; ) {
  events = countEvents(views, await loggedEvents());
  shownCounts = (await call('GET', '/stats')).body?.tasks ?? {};
  counterGaps = counterDifferences(views, shownCounts);
  const settled = events.missing.length === 0 && Object.keys(counterGaps).length === 0;
  if (settled || Date.now() > deadline) break;
  await sleep(5_000);
}
const timedOut = timedOutAttempts(await loggedEvents());
const derivedExact = events.missing.length === 0 && events.duplicated.length === 0 && Object.keys(counterGaps).length === 0;

const preliminary = countFaultRun([...ids], views, agentRecords, { plannedFailures: new Set(['fail']), agentPools: new Set(TOPOLOGY.pools.filter((p) => !lambdaPools.has(p.name)).map((p) => p.name)), restarts: 1, timedOut });
const trails = await eventTrails(new Set(preliminary.ranTwice.filter((r) => r.explainedBy === undefined).slice(0, 5).map((r) => r.id)));

finishing = true;
for (const agent of agents) killGroup(agent, 'SIGTERM');
killGroup(stack, 'SIGINT');
await new Promise((r) => stack.once('exit', r));
killGroup(stack, 'SIGKILL'); // whatever of its group did not stop with it
db.destroy();
const result = countFaultRun([...ids], views, agentRecords, { plannedFailures: new Set(['fail']), agentPools: new Set(TOPOLOGY.pools.filter((p) => !lambdaPools.has(p.name)).map((p) => p.name)), restarts: 1, timedOut });
if (values.keep || !passed(result)) console.log(`data kept in ${dataDir} (TASKFLEET_DATA_DIR)`);
else rmSync(dataDir, { recursive: true, force: true });

const count = (name: string): number => result.byStatus[name] ?? 0;
// Why the failed ones failed (type: error), so an unplanned failure shows.
const failures = new Map<string, number>();
for (const v of views.values()) if (v?.status === 'FAILED') {
  const why = `${v.type}: ${String((v as { error?: { message?: string } }).error?.message ?? '').slice(0, 80)}`;
  failures.set(why, (failures.get(why) ?? 0) + 1);
}
const unexplained = result.ranTwice.filter((r) => r.explainedBy === undefined);
// A task kept although its submit was answered with an error is a half-written record (a bug); one whose answer was lost is not.
const halfWritten = [...unanswered].filter(([, u]) => u.answer !== undefined);
const samples = [...unanswered].filter(([, u]) => isStackSample(u.key)).length;
console.log(`
accepted   ${accepted} answered with an id; ${unanswered.size} more in the table (${samples} npm start's sample tasks, ${unanswered.size - samples - halfWritten.length} whose answer was lost, ${halfWritten.length} answered with an error yet kept${halfWritten.length > 0 ? `: e.g. ${JSON.stringify(halfWritten.slice(0, 3))}` : ''})
completed  ${count('COMPLETED')}
failed     ${count('FAILED')} (in the DLQ: ${failedIds.size - failedWithoutLetter.length} of ${failedIds.size}${failedWithoutLetter.length > 0 ? `; missing e.g. ${failedWithoutLetter.slice(0, 3).join(', ')}` : ''})${[...failures].map(([why, n]) => `\n  ${n} × ${why}`).join('')}
cancelled  ${count('CANCELLED')}   (${cancelRequests} cancel requests)
expired    ${count('EXPIRED')}
finished   ${result.finished}  (= completed + failed + cancelled + expired)
lost       ${result.lost.length}${result.lost.length > 0 ? `  e.g. ${result.lost.slice(0, 3).join(', ')}` : ''}
stuck      ${result.stuck.length}${stuckViews.length > 0 ? `\n${stuckViews.join('\n')}` : ''}
ran twice  ${result.ranTwice.length}: ${result.ranTwice.filter((r) => r.explainedBy === 'killed agent').length} after a killed agent, ${result.ranTwice.filter((r) => r.explainedBy === 'restart').length} after the restart, ${result.ranTwice.filter((r) => r.explainedBy === 'timeout').length} after an attempt timed out, ${result.ranTwice.filter((r) => r.explainedBy === 'lost lease answer').length} claimed for an agent that never got the lease answer (ran once), ${unexplained.length} unexplained${unexplained.length > 0 ? `  e.g. ${JSON.stringify(unexplained.slice(0, 3))}` : ''}${trails}
agent exits ${agentExits} (${killedAgents} SIGKILLed; the rest gave up while the stack was down), each replaced
settled in ${settledSeconds} s after the restart
events     expected ${events.expected}, delivered ${events.delivered} (${events.missing.length} missing${events.missing.length > 0 ? ` e.g. ${events.missing.slice(0, 3).join(', ')}` : ''}, ${events.duplicated.length} twice${events.duplicated.length > 0 ? ` e.g. ${events.duplicated.slice(0, 3).join(', ')}` : ''})
counters   expected ${JSON.stringify(Object.fromEntries(Object.entries(result.byStatus).sort()))}, shown ${JSON.stringify(Object.fromEntries(Object.entries(shownCounts).filter(([, n]) => n !== 0).sort()))}: ${Object.keys(counterGaps).length === 0 ? 'equal' : `differ ${JSON.stringify(counterGaps)}`}

${summaryLine(result)}
`);
process.exit(passed(result) && failedWithoutLetter.length === 0 && derivedExact && halfWritten.length === 0 ? 0 : 1);

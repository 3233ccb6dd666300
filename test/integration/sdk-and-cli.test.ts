import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskfleetApiError, TaskfleetClient } from '../../sdk/index.js';
import type { LocalStack } from '../../local/runtime.js';
import { startTestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait.js';

let stack: LocalStack;
let client: TaskfleetClient;

beforeAll(async () => {
  stack = await startTestStack({ workers: true });
  client = new TaskfleetClient({ url: stack.apiUrl, token: stack.token });
});
afterAll(async () => stack?.stop());

describe('TaskfleetClient', () => {
  it('submits, waits with progress, and reads the result', async () => {
    const submitted = await client.submit({ type: 'sleep', payload: { ms: 1000 }, priority: 'high' });
    expect(submitted).toMatchObject({ status: 'PENDING', pool: 'general', priority: 'high', created: true });
    const seen: number[] = [];
    const done = await client.wait(submitted.id, { intervalMs: 100, onUpdate: (t) => seen.push(t.progress?.fraction ?? 0) });
    expect(done).toMatchObject({ status: 'COMPLETED', result: { sleptMs: 1000 } });
    expect(seen.some((f) => f > 0 && f < 1)).toBe(true);
  });

  it('reports a replayed idempotency key as not created', async () => {
    const first = await client.submit({ type: 'echo', idempotencyKey: 'sdk-1' });
    const again = await client.submit({ type: 'echo', idempotencyKey: 'sdk-1' });
    expect(again).toMatchObject({ id: first.id, pool: first.pool, created: false });
  });

  it('submits a batch, lists and cancels', async () => {
    const batch = await client.submitBatch([{ type: 'echo', delaySeconds: 30 }, { type: 'echo', priority: 'urgent' as never }]);
    expect(batch).toMatchObject({ accepted: 1, rejected: 1 });
    const id = (batch.items[0] as { id: string }).id;
    expect((await client.cancel(id)).status).toBe('CANCELLED');
    const cancelled = [];
    for await (const t of client.listAll({ status: 'CANCELLED' })) cancelled.push(t.id);
    expect(cancelled).toContain(id);
    // Counts come from the table's stream, a moment after the write.
    await waitFor(() => client.stats(), (stats) => stats.tasks.CANCELLED >= 1, 30_000, 200);
  });

  it('waits for a job and returns its result even when it is kept by reference (over 8 KiB)', async () => {
    const texts = Array.from({ length: 6 }, (_, i) => Array.from({ length: 200 }, (_, k) => `w${i * 200 + k}`).join(' '));
    const { id } = await client.submitJob({ map: { type: 'count-words', items: texts.map((text) => ({ text })) }, reduce: { type: 'merge-counts' } });
    const done = await client.waitForJob(id, { intervalMs: 250 });
    expect(done.status).toBe('COMPLETED');
    expect(done.resultRef).toBeUndefined();
    expect(Object.keys(done.result as object)).toHaveLength(1200);
    expect((await client.getJob(id)).resultRef?.bytes).toBeGreaterThan(8192);
  });

  it('defaults a task’s timeout to what its pool can run, and accepts that value asked for', async () => {
    const defaulted = await client.submit({ type: 'echo' });
    expect((await client.get(defaulted.id)).timeoutSeconds).toBe(55);
    expect((await client.submit({ type: 'echo', timeoutSeconds: 55 })).status).toBe('PENDING');
    await expect(client.submit({ type: 'echo', timeoutSeconds: 56 })).rejects.toMatchObject({ status: 422, fields: [{ field: 'timeoutSeconds' }] });
  });

  it('throws TaskfleetApiError naming the fields', async () => {
    const error = await client.submit({ type: 'echo', requires: ['quantum'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskfleetApiError);
    expect(error).toMatchObject({ status: 422, code: 'no_agent_can_run', fields: [{ field: 'requires' }] });
    await expect(new TaskfleetClient({ url: stack.apiUrl, token: 'wrong' }).get('x')).rejects.toMatchObject({ status: 403 });
  });
});

describe('the taskfleet command', () => {
  const run = (...args: string[]) =>
    promisify(execFile)('node', ['bin/taskfleet.mjs', '--url', stack.apiUrl, '--token', stack.token, ...args], { timeout: 30_000 });

  it('submits and waits, then shows the task', async () => {
    const { stdout, stderr } = await run('submit', 'echo', '--payload', '{"from":"cli"}', '--priority', 'critical', '--wait');
    // stdout is the answer alone (JSON), the progress lines go to stderr when not on a terminal.
    const { id } = JSON.parse(stdout) as { id: string };
    expect(stderr).toContain('COMPLETED');
    const shown = JSON.parse((await run('get', id)).stdout);
    expect(shown).toMatchObject({ id, status: 'COMPLETED', result: { from: 'cli' }, priority: 'critical' });
  });

  // The CLI's exit codes: 1 an error, 2 a usage error, 3 a waited task or job did not complete.
  type Failure = { code: number; stdout: string; stderr: string };
  const fails = (...args: string[]) => run(...args).then(() => expect.unreachable('the command succeeded'), (e: Failure) => e);

  it('exits 3 when the task it waited for FAILED', async () => {
    const failed = await fails('submit', 'fail', '--payload', '{"times":99}', '--max-attempts', '1', '--wait');
    expect(failed.code).toBe(3);
    expect(failed.stderr).toContain('FAILED');
  });

  it('reads enum options in any case', async () => {
    const { stdout } = await run('submit', 'echo', '--priority', 'HIGH', '--wait');
    expect(stdout).toContain('"priority": "high"');
    expect((await run('list', '--status', 'completed', '--limit', '5')).stdout).toContain('COMPLETED');
  });

  it('summarises a waited job unless --json', async () => {
    const items = join(mkdtempSync(join(tmpdir(), 'taskfleet-cli-')), 'items.json');
    writeFileSync(items, JSON.stringify(Array.from({ length: 30 }, (_, i) => ({ text: `word${i % 3} other` }))));
    const { stdout } = await run('job', 'submit', 'count-words', '--items', items, '--reduce', 'merge-counts', '--wait');
    expect(stdout).toMatch(/job \S+ COMPLETED/);
    expect(stdout).toContain('children  30: 30 completed, 0 failed, 0 cancelled');
    expect(stdout.split('\n').length).toBeLessThan(40);
  });

  it('prints a job’s result with job get (a summary, --json, --wait), however large', async () => {
    const items = join(mkdtempSync(join(tmpdir(), 'taskfleet-cli-')), 'items.json');
    writeFileSync(items, JSON.stringify(Array.from({ length: 4 }, (_, i) => ({ text: Array.from({ length: 300 }, (_, k) => `v${i * 300 + k}`).join(' ') }))));
    const submitted = JSON.parse((await run('job', 'submit', 'count-words', '--items', items, '--reduce', 'merge-counts')).stdout);
    const waited = (await run('job', 'get', submitted.id, '--wait')).stdout;
    expect(waited).toMatch(/job \S+ COMPLETED/);
    expect(waited).toMatch(/result {4}\{"v0":1,.*… \(\d+ chars; --json for all\)/);
    const shown = JSON.parse((await run('job', 'get', submitted.id, '--json')).stdout);
    expect(shown).toMatchObject({ id: submitted.id, status: 'COMPLETED' });
    expect(Object.keys(shown.result)).toHaveLength(1200);
    expect((await run('job', 'get', submitted.id)).stdout).toContain('children  4: 4 completed, 0 failed, 0 cancelled');
  });

  it('submits --resources as name=value pairs or JSON', async () => {
    const pairs = JSON.parse((await run('submit', 'render', '--requires', 'shell', '--resources', 'cpu=1.5,memoryMb=256')).stdout);
    expect((await client.get(pairs.id)).resources).toEqual({ cpu: 1.5, memoryMb: 256 });
    const json = JSON.parse((await run('submit', 'render', '--requires', 'shell', '--resources', '{"gpu":0}')).stdout);
    expect((await client.get(json.id)).resources).toEqual({ gpu: 0 });
    await Promise.all([client.cancel(pairs.id), client.cancel(json.id)]);
    const failed = await fails('submit', 'render', '--resources', 'disk=3');
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('name=value pairs of cpu, gpu, memoryMb');
  });

  it('stops `work` quietly on Ctrl-C: no error, exit 130', async () => {
    const child = spawn('node', ['bin/taskfleet.mjs', '--url', stack.apiUrl, '--token', stack.token, 'work', '--capabilities', 'shell', '--', 'cat'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<string>((resolve) => child.on('exit', (code, signal) => resolve(signal !== null ? `killed by ${signal}` : `exit ${code}`)));
    await waitFor(async () => stdout, (out) => out.includes('registered as worker'), 30_000, 100);
    child.kill('SIGINT');
    // What it printed rides with a wrong exit (once seen on a busy machine, not reproduced since).
    expect(await exited, `stdout:\n${stdout}\nstderr:\n${stderr}`).toBe('exit 130');
    expect(stderr).toBe('');
    expect(stdout).not.toMatch(/error|ECONNREFUSED/i);
    expect(stdout).toMatch(/stopped \(SIGINT\)/);
  });

  it('gives one line, not the whole help, on a usage error', async () => {
    const failed = await fails('submit');
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain("missing required argument 'type'");
    expect(failed.stderr).not.toContain('Commands:');
  });

  it('does not redrive every dead letter without --all when it cannot ask', async () => {
    const failed = await fails('dlq', 'redrive');
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('pass --all');
  });

  it('says the API cannot be reached instead of "fetch failed"', async () => {
    const failed = await promisify(execFile)('node', ['bin/taskfleet.mjs', '--url', 'http://127.0.0.1:9', '--token', 't', 'get', 'x']).catch((e: Failure) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as Failure).stderr.trim()).toBe('error: cannot reach http://127.0.0.1:9: is `npm start` running?');
  });

  it('exits 1 and names the field on bad input', async () => {
    const failed = await run('submit', 'echo', '--requires', 'quantum').catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain('requires: no agent offers quantum');
  });
});

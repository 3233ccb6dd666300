import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskfleetApiError, TaskfleetClient } from '../../sdk/index.js';
import type { LocalStack } from '../../local/runtime.js';
import { startTestStack } from '../helpers/local-stack.js';

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
    expect((await client.stats()).tasks.CANCELLED).toBeGreaterThanOrEqual(1);
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
    const { stdout } = await run('submit', 'echo', '--payload', '{"from":"cli"}', '--priority', 'critical', '--wait');
    const id = /"id": "([^"]+)"/.exec(stdout)?.[1] ?? '';
    expect(stdout).toContain('COMPLETED');
    const shown = JSON.parse((await run('get', id)).stdout);
    expect(shown).toMatchObject({ id, status: 'COMPLETED', result: { from: 'cli' }, priority: 'critical' });
  });

  it('exits 1 and names the field on bad input', async () => {
    const failed = await run('submit', 'echo', '--requires', 'quantum').catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain('requires: no agent offers quantum');
  });
});

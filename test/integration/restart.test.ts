import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AlreadyRunningError, claimLocalData, localPaths, releaseLocalData } from '../../local/local-data.js';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { apiClient } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait.js';

/** Generous: each start boots DynamoDB Local, slow on a loaded 2-core machine. */
const LIMIT_MS = 240_000;
const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'taskfleet-restart-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * A restartable stack's options: free ports, and a prefix (table and queue names)
 * and data folder of its own, which each restart of it reuses, so the next start
 * finds the same table in the kept data.
 */
const restartableStack = () => ({
  port: 0,
  sqsPort: 0,
  dynamoDbPort: 0,
  prefix: `r${randomUUID().slice(0, 6)}-`,
  region: 'us-east-1',
  token: `test-${randomUUID()}`,
  tenant: 'acme',
  schedule: false,
  dataDir: tempDir(),
  log: () => undefined,
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the local stack across restarts', () => {
  it(
    'keeps every submitted task through a stop and finishes them after the next start',
    async () => {
      const options = restartableStack();
      let stack: LocalStack = await startLocalStack({ ...options, workers: false });
      const submitted = await apiClient(stack.apiUrl, stack.token)('POST', '/tasks/batch', { tasks: Array.from({ length: 30 }, (_, i) => ({ type: 'echo', payload: { i } })) });
      expect(submitted.body.accepted).toBe(30);
      const ids: string[] = submitted.body.items.map((i: { id: string }) => i.id);
      // A FAILED task, through an agent (no workers run here): its dead letter must outlive the restart too.
      const before = apiClient(stack.apiUrl, stack.token);
      const agent = (await before('POST', '/workers', { capabilities: ['shell'] })).body.id;
      const failing = (await before('POST', '/tasks', { type: 'sh', requires: ['shell'], maxAttempts: 1 })).body.id;
      const [lease] = (await before('POST', `/workers/${agent}/lease`, { max: 1, waitSeconds: 5 })).body.tasks;
      expect(lease.id).toBe(failing);
      expect((await before('POST', `/tasks/${failing}/fail`, { leaseToken: lease.leaseToken, error: 'exit 2: no such file' })).body.status).toBe('FAILED');
      await stack.stop();
      expect(existsSync(localPaths(options.dataDir).runtimePid)).toBe(false);

      stack = await startLocalStack({ ...options, workers: true });
      try {
        const api = apiClient(stack.apiUrl, stack.token);
        const done = await waitFor(
          async () => (await api('GET', '/stats')).body.tasks,
          (tasks) => tasks.COMPLETED >= 30,
          LIMIT_MS,
          1000,
        );
        expect(done.COMPLETED).toBe(30);
        for (const id of ids.slice(0, 5)) expect((await api('GET', `/tasks/${id}`)).body.status).toBe('COMPLETED');
        // fauxqs keeps queues in memory: the start re-sent the letters of the table's FAILED tasks.
        const letter = await waitFor(
          async () => ((await api('GET', '/dlq?limit=100')).body.letters as { taskId: string }[]).find((l) => l.taskId === failing),
          (found) => found !== undefined,
          LIMIT_MS,
          500,
        );
        expect(letter).toMatchObject({ taskId: failing, error: { message: 'exit 2: no such file' } });
      } finally {
        await stack.stop();
      }
    },
    LIMIT_MS * 2,
  );
});

describe('the stream across restarts', () => {
  it(
    'delivers the events and counts of writes the stream had not yet delivered when the stack stopped, each once',
    async () => {
      const options = { ...restartableStack(), workers: false };
      const submit = async (stack: LocalStack, n: number): Promise<string[]> =>
        (await apiClient(stack.apiUrl, stack.token)('POST', '/tasks/batch', { tasks: Array.from({ length: n }, (_, i) => ({ type: 'echo', payload: { i } })) })).body.items.map(
          (t: { id: string }) => t.id,
        );
      const createdEvents = async (stack: LocalStack, after: string): Promise<string[]> =>
        ((await apiClient(stack.apiUrl, stack.token)('GET', `/events?limit=500&after=${encodeURIComponent(after)}`)).body.items as { type: string; task?: { id: string } }[])
          .filter((e) => e.type === 'task.created')
          .map((e) => e.task?.id ?? '');
      const after = new Date(Date.now() - 1000).toISOString();

      let stack = await startLocalStack(options);
      const first = await submit(stack, 20);
      await waitFor(() => createdEvents(stack, after), (ids) => ids.length >= 20, LIMIT_MS, 500);
      await stack.stop();
      // The consumer is down (as after a kill -9) while these land in the table and its stream.
      stack = await startLocalStack({ ...options, events: false });
      const unseen = await submit(stack, 30);
      await stack.stop();

      stack = await startLocalStack(options);
      try {
        const seen = await waitFor(() => createdEvents(stack, after), (ids) => ids.length >= 50, 90_000, 500);
        expect(new Set(seen)).toEqual(new Set([...first, ...unseen]));
        expect(seen).toHaveLength(50);
        const api = apiClient(stack.apiUrl, stack.token);
        await waitFor(async () => (await api('GET', '/stats')).body.tasks.PENDING, (n) => n === 50, 90_000, 500);
      } finally {
        await stack.stop();
      }
    },
    LIMIT_MS * 3,
  );
});

describe('a start after a crash', () => {
  it('stops an orphaned DynamoDB Local named in the pid file', async () => {
    const root = tempDir();
    // A stand-in for the java child of a killed run: its command line reads as DynamoDB Local's.
    const orphan = spawn('bash', ['-c', 'exec -a "java -jar DynamoDBLocal.jar" sleep 300'], { stdio: 'ignore', detached: true });
    await waitFor(async () => orphan.pid !== undefined && alive(orphan.pid), Boolean, 10_000);
    writeFileSync(localPaths(root).dynamodbPid, String(orphan.pid));
    const exited = new Promise((r) => orphan.once('exit', r));
    const notes = await claimLocalData(root);
    await exited;
    expect(notes).toEqual([`stopped an orphaned DynamoDB Local (pid ${orphan.pid}) left by an earlier run`]);
    releaseLocalData(root);
  });

  it('leaves a process that is not DynamoDB Local alone (a reused pid)', async () => {
    const root = tempDir();
    const other = spawn('sleep', ['300'], { stdio: 'ignore' });
    writeFileSync(localPaths(root).dynamodbPid, String(other.pid));
    expect(await claimLocalData(root)).toEqual([]);
    expect(alive(other.pid!)).toBe(true);
    other.kill();
    releaseLocalData(root);
  });

  it('refuses to start while another taskfleet runs from the same folder', async () => {
    const root = tempDir();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 300000)'], { stdio: 'ignore' });
    writeFileSync(localPaths(root).runtimePid, String(other.pid));
    await expect(claimLocalData(root)).rejects.toBeInstanceOf(AlreadyRunningError);
    other.kill();
  });
});

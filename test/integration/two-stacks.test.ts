import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/runtime.js';
import { apiClient, startTestStack, type ApiClient } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait.js';

/** Generous: two stacks with workers share a loaded 2-core machine. */
const LIMIT_MS = 90_000;

/**
 * Two independent stacks in one process: each its own table and queues (its own
 * prefix), its own tenant and token, its own ports, its own services instance
 * built from its own settings. Nothing is shared through module state, so neither
 * sees the other's tasks, tokens or counts.
 */
let acme: LocalStack;
let globex: LocalStack;
let acmeApi: ApiClient;
let globexApi: ApiClient;

beforeAll(async () => {
  // One after the other: tables created in the same instant in one DynamoDB Local gave
  // their stream pollers TrimmedDataAccessException on every read (seen once, not chased).
  acme = await startTestStack({ workers: true, tenant: 'acme', token: 'two-stacks-acme-token' });
  // A policy override on one stack only: settings are per stack, not per process.
  globex = await startTestStack({ workers: true, tenant: 'globex', token: 'two-stacks-globex-token', env: { TASKFLEET_RETRY_BASE_SECONDS: '7' } });
  acmeApi = apiClient(acme.apiUrl, acme.token);
  globexApi = apiClient(globex.apiUrl, globex.token);
});
afterAll(async () => {
  await Promise.all([acme?.stop(), globex?.stop()]);
});

const completed = (api: ApiClient, id: string) =>
  waitFor(
    async () => (await api('GET', `/tasks/${id}`)).body.status as string,
    (status) => status === 'COMPLETED',
    LIMIT_MS,
    250,
  );

describe('two local stacks in one process', () => {
  it('run on separate tables, queues, ports, services and settings', () => {
    expect(acme.tableName).not.toBe(globex.tableName);
    expect(acme.apiUrl).not.toBe(globex.apiUrl);
    expect(acme.queues.queueUrlPrefix).not.toBe(globex.queues.queueUrlPrefix);
    expect(acme.services).not.toBe(globex.services);
    expect(acme.services.config.tableName).toBe(acme.tableName);
    expect(globex.services.config.tableName).toBe(globex.tableName);
    expect(globex.services.taskDeps.pools.every((pool) => pool.retry.baseSeconds === 7)).toBe(true);
    expect(acme.services.taskDeps.pools.some((pool) => pool.retry.baseSeconds === 7)).toBe(false);
  });

  it('completes each stack’s task on its own stack, and neither sees the other’s', async () => {
    const ours = await acmeApi('POST', '/tasks', { type: 'echo', payload: { stack: 'acme' } });
    const theirs = await globexApi('POST', '/tasks/batch', { tasks: [{ type: 'echo', payload: { stack: 'globex', n: 1 } }, { type: 'echo', payload: { stack: 'globex', n: 2 } }] });
    expect(ours.status).toBe(202);
    expect(theirs.body.accepted).toBe(2);
    const theirIds: string[] = theirs.body.items.map((item: { id: string }) => item.id);

    await completed(acmeApi, ours.body.id);
    for (const id of theirIds) await completed(globexApi, id);
    expect((await acmeApi('GET', `/tasks/${ours.body.id}`)).body.result).toEqual({ stack: 'acme' });

    // Each stack's table holds only its own tasks: the other's id is unknown there.
    expect((await globexApi('GET', `/tasks/${ours.body.id}`)).status).toBe(404);
    for (const id of theirIds) expect((await acmeApi('GET', `/tasks/${id}`)).status).toBe(404);
    expect((await acme.services.taskDeps.records.get('globex', theirIds[0] ?? '')) ?? 'absent').toBe('absent');

    // Each stack's counts (kept by its own stream consumer) are its own: 1 against 2.
    const acmeStats = await waitFor(async () => (await acmeApi('GET', '/stats')).body.tasks, (tasks) => tasks.COMPLETED >= 1, LIMIT_MS, 500);
    const globexStats = await waitFor(async () => (await globexApi('GET', '/stats')).body.tasks, (tasks) => tasks.COMPLETED >= 2, LIMIT_MS, 500);
    expect(acmeStats.COMPLETED).toBe(1);
    expect(globexStats.COMPLETED).toBe(2);
  }, LIMIT_MS * 3);

  it('keeps each stack’s tokens to itself', async () => {
    expect((await apiClient(acme.apiUrl, globex.token)('GET', '/tasks')).status).toBe(403);
    expect((await apiClient(globex.apiUrl, acme.token)('GET', '/tasks')).status).toBe(403);
    expect((await acmeApi('GET', '/tasks')).status).toBe(200);
    expect((await globexApi('GET', '/tasks')).status).toBe(200);
  });
});

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makeHandler as tickHandler } from '../../functions/tick-schedules.js';
import { createDocumentClient } from '../../shared/adapters/aws-clients.js';
import { DynamoDbScheduleStore } from '../../shared/adapters/dynamodb/dynamodb-schedule-store.js';
import { startScheduleTicker } from '../../local/schedule-ticker.js';
import { TaskfleetApiError, TaskfleetSchedules } from '../../sdk/index.js';
import { hashToken } from '../../shared/domain/token.js';
import { apiClient, useTestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait.js';

// No workers: scheduled runs stay PENDING, which is what the overlap cases need.
const local = useTestStack();

/** One delivery of the tick at an instant (the clock is injected through the event's `time`). */
const tickAt = (ms: number) => tickHandler(() => local.stack.services)({ time: new Date(ms).toISOString() }, {} as never);

/** The tasks of one type (a fresh type per test keeps tests apart). */
async function tasksOfType(type: string): Promise<{ id: string; status: string; createdAt: string }[]> {
  const { body } = await local.api('GET', '/tasks?limit=100');
  return body.items.filter((t: { type: string }) => t.type === type);
}

const freshType = () => `sched-${randomUUID().slice(0, 8)}`;

describe('schedules on DynamoDB Local and fauxqs', () => {
  it('an every-2-seconds schedule submits on time and exactly once per tick, with every tick delivered twice', async () => {
    const type = freshType();
    const created = await local.api('POST', '/schedules', { every: '2s', task: { type, payload: { n: 1 } } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), every: '2s', status: 'active', overlap: 'allow', catchUp: 'latest' });
    const first = Date.parse(created.body.nextRunAt);
    expect(first % 2000).toBe(0);

    // Just before the first due time: nothing.
    await tickAt(first - 500);
    expect(await tasksOfType(type)).toEqual([]);

    for (let k = 0; k < 3; k += 1) {
      const due = first + k * 2000;
      // The same tick twice at once (EventBridge's at-least-once), then once more.
      await Promise.all([tickAt(due + 100), tickAt(due + 100)]);
      await tickAt(due + 100);
      // On time: the run due at `due` exists after the tick at `due`, and only it.
      expect(await tasksOfType(type)).toHaveLength(k + 1);
    }
    const schedule = (await local.api('GET', `/schedules/${created.body.id}`)).body;
    expect(schedule).toMatchObject({
      runs: 3,
      lastRunAt: new Date(first + 4000).toISOString(),
      nextRunAt: new Date(first + 6000).toISOString(),
    });
    expect((await local.api('DELETE', `/schedules/${created.body.id}`)).status).toBe(204);
  });

  it('overlap skip: skips while the previous run is still PENDING, submits once it is cancelled', async () => {
    const type = freshType();
    const { body } = await local.api('POST', '/schedules', { every: '2s', overlap: 'skip', task: { type } });
    const first = Date.parse(body.nextRunAt);
    await tickAt(first + 100);
    await tickAt(first + 2100);
    let schedule = (await local.api('GET', `/schedules/${body.id}`)).body;
    expect(schedule).toMatchObject({ runs: 1, skipped: 1 });
    expect(await tasksOfType(type)).toHaveLength(1);

    expect((await local.api('DELETE', `/tasks/${schedule.lastTaskId}`)).status).toBe(200);
    await tickAt(first + 4100);
    schedule = (await local.api('GET', `/schedules/${body.id}`)).body;
    expect(schedule).toMatchObject({ runs: 2, skipped: 1 });
    expect((await tasksOfType(type)).map((t) => t.status).sort()).toEqual(['CANCELLED', 'PENDING']);
    await local.api('DELETE', `/schedules/${body.id}`);
  });

  it('overlap cancel-previous: cancels the PENDING run, then submits the next', async () => {
    const type = freshType();
    const { body } = await local.api('POST', '/schedules', { every: '2s', overlap: 'cancel-previous', task: { type } });
    const first = Date.parse(body.nextRunAt);
    await tickAt(first + 100);
    await tickAt(first + 2100);
    expect((await tasksOfType(type)).map((t) => t.status).sort()).toEqual(['CANCELLED', 'PENDING']);
    await local.api('DELETE', `/schedules/${body.id}`);
  });

  it('pause stops runs, resume starts again from the next due time', async () => {
    const type = freshType();
    const { body } = await local.api('POST', '/schedules', { every: '2s', task: { type } });
    const paused = await local.api('POST', `/schedules/${body.id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('paused');
    expect(paused.body.nextRunAt).toBeUndefined();
    await tickAt(Date.now() + 60_000);
    expect(await tasksOfType(type)).toEqual([]);

    const resumed = await local.api('POST', `/schedules/${body.id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('active');
    expect(Date.parse(resumed.body.nextRunAt)).toBeGreaterThanOrEqual(Date.parse(body.nextRunAt));
    await tickAt(Date.parse(resumed.body.nextRunAt) + 100);
    expect(await tasksOfType(type)).toHaveLength(1);
    await local.api('DELETE', `/schedules/${body.id}`);
  });

  it("runs a schedule now, paused or not, without moving its next run; an unknown one is 404", async () => {
    const type = freshType();
    const { body } = await local.api('POST', '/schedules', { every: '1h', task: { type, payload: { now: true }, priority: 'high' } });
    const run = await local.api('POST', `/schedules/${body.id}/run`);
    expect(run.status).toBe(202);
    expect(run.body).toMatchObject({ status: 'PENDING', priority: 'high' });
    const task = await local.api('GET', `/tasks/${run.body.id}`);
    expect(task.body).toMatchObject({ type, payload: { now: true } });
    const after = (await local.api('GET', `/schedules/${body.id}`)).body;
    expect(after).toMatchObject({ nextRunAt: body.nextRunAt, runs: 0, status: 'active' });

    await local.api('POST', `/schedules/${body.id}/pause`);
    expect((await local.api('POST', `/schedules/${body.id}/run`)).status).toBe(202);
    expect(await tasksOfType(type)).toHaveLength(2);
    expect((await local.api('GET', `/schedules/${body.id}`)).body.status).toBe('paused');
    expect((await local.api('POST', '/schedules/nope/run')).status).toBe(404);
    await local.api('DELETE', `/schedules/${body.id}`);
  });

  it('lists, reads and deletes a tenant’s schedules; an unknown id is 404', async () => {
    const { body } = await local.api('POST', '/schedules', {
      cron: '0 9 * * 1-5',
      timezone: 'Europe/Paris',
      task: { type: 'echo' },
      catchUp: 'none',
      paused: true,
    });
    expect(body).toMatchObject({ status: 'paused', catchUp: 'none', timezone: 'Europe/Paris' });
    const list = await local.api('GET', '/schedules');
    expect(list.body.items.map((s: { id: string }) => s.id)).toContain(body.id);
    expect((await local.api('DELETE', `/schedules/${body.id}`)).status).toBe(204);
    expect((await local.api('GET', `/schedules/${body.id}`)).status).toBe(404);
    expect((await local.api('DELETE', `/schedules/${body.id}`)).status).toBe(404);
    expect((await local.api('POST', `/schedules/nope/pause`)).status).toBe(404);
  });

  it('keeps tenants apart: another tenant neither lists, reads, pauses nor deletes a schedule', async () => {
    const { body } = await local.api('POST', '/schedules', { every: '1h', task: { type: 'echo' } });
    const token = `globex-${randomUUID()}`;
    await local.stack.services.taskDeps.tokens.put(hashToken(token), 'globex', 'test');
    const globex = apiClient(local.stack.apiUrl, token);
    expect((await globex('GET', '/schedules')).body.items).toEqual([]);
    expect((await globex('GET', `/schedules/${body.id}`)).status).toBe(404);
    expect((await globex('POST', `/schedules/${body.id}/pause`)).status).toBe(404);
    expect((await globex('POST', `/schedules/${body.id}/run`)).status).toBe(404);
    expect((await globex('DELETE', `/schedules/${body.id}`)).status).toBe(404);
    expect((await local.api('GET', `/schedules/${body.id}`)).body.status).toBe('active');
    await local.api('DELETE', `/schedules/${body.id}`);
  });

  it('answers bad input with 400 naming each wrong field, and writes nothing', async () => {
    const before = (await local.api('GET', '/schedules')).body.items.length;
    const badCron = await local.api('POST', '/schedules', { cron: 'every tuesday', task: { type: 'echo' } });
    expect(badCron.status).toBe(400);
    expect(badCron.body.error.fields).toEqual([{ field: 'cron', message: expect.stringMatching(/^is not a cron expression/) }]);

    const both = await local.api('POST', '/schedules', { cron: '* * * * *', every: '1m', task: { type: 'echo' } });
    expect(both.status).toBe(400);
    expect(both.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['cron', 'every']);

    const many = await local.api('POST', '/schedules', {
      every: '1m',
      timezone: 'Atlantis/Capital',
      overlap: 'never',
      task: { type: 'echo', priority: 'urgent' },
    });
    expect(many.status).toBe(400);
    expect(many.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['overlap', 'task.priority', 'timezone']);

    const unroutable = await local.api('POST', '/schedules', { every: '1m', task: { type: 'echo', requires: ['quantum'] } });
    expect(unroutable.status).toBe(422);
    expect((await local.api('GET', '/schedules')).body.items.length).toBe(before);
  });

  it('the local runtime’s timer runs a schedule by the wall clock', async () => {
    const type = freshType();
    const { body } = await local.api('POST', '/schedules', { every: '1s', task: { type } });
    const stop = await startScheduleTicker(() => local.stack.services);
    try {
      await waitFor(() => tasksOfType(type), (tasks) => tasks.length >= 2, 30_000, 250);
    } finally {
      await stop();
      await local.api('DELETE', `/schedules/${body.id}`);
    }
  });
});

describe('the DynamoDB schedule store', () => {
  it('lets exactly one of many concurrent advances of a due time win, and moves the due item with it', async () => {
    const store = new DynamoDbScheduleStore(createDocumentClient({ region: 'us-east-1', dynamoDbEndpoint: local.stack.dynamoDbEndpoint }), local.stack.tableName);
    const id = `race-${randomUUID()}`;
    const due = '2020-01-01T00:00:00.000Z';
    await store.create({ id, tenant: 'acme', every: '1m', timezone: 'UTC', task: { type: 'echo' }, overlap: 'allow', catchUp: 'latest', status: 'active', nextRunAt: due, runs: 0, skipped: 0, createdAt: due });
    expect((await store.due(new Date('2020-01-01T00:00:30Z'), 100)).map((r) => r.id)).toContain(id);

    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.update('acme', id, due, { nextRunAt: '2020-01-01T00:01:00.000Z', runs: i + 1 })),
    );
    expect(outcomes.filter((o) => o !== undefined)).toHaveLength(1);
    expect((await store.due(new Date('2020-01-01T00:00:30Z'), 100)).map((r) => r.id)).not.toContain(id);
    expect((await store.due(new Date('2020-01-01T00:01:00Z'), 100)).map((r) => r.id)).toContain(id);
    expect(await store.delete('acme', id)).toBe(true);
    expect((await store.due(new Date('2020-01-01T00:01:00Z'), 100)).map((r) => r.id)).not.toContain(id);
  });
});

describe('the SDK and the taskfleet schedule command', () => {
  it('adds, lists, pauses, resumes and removes with the SDK; a bad field is a TaskfleetApiError naming it', async () => {
    const schedules = new TaskfleetSchedules({ url: local.stack.apiUrl, token: local.stack.token });
    const added = await schedules.add({ cron: '*/5 * * * *', timezone: 'Asia/Tokyo', task: { type: 'echo' }, overlap: 'skip' });
    expect(added).toMatchObject({ cron: '*/5 * * * *', overlap: 'skip', status: 'active' });
    expect((await schedules.list()).map((s) => s.id)).toContain(added.id);
    expect((await schedules.pause(added.id)).status).toBe('paused');
    expect((await schedules.resume(added.id)).status).toBe('active');
    await schedules.remove(added.id);
    const error = await schedules.get(added.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskfleetApiError);
    expect(error).toMatchObject({ status: 404 });
    const bad = await schedules.add({ every: '1m', timezone: 'Nowhere/Else', task: { type: 'echo' } }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400, fields: [{ field: 'timezone' }] });
  });

  it('taskfleet schedule add | list | pause | resume | rm', async () => {
    const run = (...args: string[]) =>
      promisify(execFile)('node', ['bin/taskfleet.mjs', '--url', local.stack.apiUrl, '--token', local.stack.token, 'schedule', ...args], { timeout: 30_000 });
    const added = JSON.parse((await run('add', 'echo', '--every', '5m', '--payload', '{"n":1}', '--overlap', 'skip')).stdout);
    expect(added).toMatchObject({ every: '5m', overlap: 'skip', task: { type: 'echo', payload: { n: 1 } } });
    expect((await run('list')).stdout).toContain(`${added.id}  every 5m  echo  active`);
    expect(JSON.parse((await run('pause', added.id)).stdout).status).toBe('paused');
    expect(JSON.parse((await run('resume', added.id)).stdout).status).toBe('active');
    expect((await run('rm', added.id)).stdout).toContain(`deleted ${added.id}`);
    const failed = await run('add', 'echo', '--cron', 'nonsense').catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain('cron: is not a cron expression');
    // Seven node processes on a busy machine: a generous limit, never a timing assertion.
  }, 240_000);
});

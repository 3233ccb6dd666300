import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsClient } from '../../shared/adapters/aws-clients.js';
import { hashToken } from '../../shared/domain/token.js';
import { LIMITS } from '../../shared/domain/limits.js';
import type { LocalStack } from '../../local/runtime.js';
import { apiClient, startTestStack } from '../helpers/local-stack.js';

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  stack = await startTestStack();
  api = apiClient(stack.apiUrl, stack.token);
});
afterAll(async () => stack?.stop());

describe('POST /tasks, GET /tasks/{id}', () => {
  it('accepts an echo task with 202 and reads it back', async () => {
    const submitted = await api('POST', '/tasks', { type: 'echo', payload: { hello: 'world' } });
    expect(submitted.status).toBe(202);
    expect(submitted.body).toEqual({ id: expect.any(String), status: 'PENDING', pool: 'general', priority: 'normal' });

    const read = await api('GET', `/tasks/${submitted.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: submitted.body.id, status: 'PENDING', attempts: 0, payload: { hello: 'world' } });
    expect(read.body.tenant).toBeUndefined();
  });

  it('puts a Lambda-pool task on its pool × priority queue', async () => {
    const { body } = await api('POST', '/tasks', { type: 'fetch', requires: ['http'], priority: 'critical' });
    const sqs = createSqsClient({ region: 'us-east-1', sqsEndpoint: stack.sqsEndpoint });
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: stack.queues.queueUrls['general:critical'], WaitTimeSeconds: 2, MaxNumberOfMessages: 10 }),
    );
    const bodies = (received.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}'));
    expect(bodies).toContainEqual({ taskId: body.id, tenant: 'acme', sentAt: expect.any(String) });
    sqs.destroy();
  });

  it('answers 200 with the same id for a replayed idempotencyKey', async () => {
    const first = await api('POST', '/tasks', { type: 'echo', idempotencyKey: 'order-42' });
    const second = await api('POST', '/tasks', { type: 'echo', idempotencyKey: 'order-42' });
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
  });

  it('gives one task to concurrent submissions of one idempotencyKey', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => api('POST', '/tasks', { type: 'echo', idempotencyKey: 'race' })));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
  });

  it('answers 409 naming id for a duplicate client id', async () => {
    expect((await api('POST', '/tasks', { type: 'echo', id: 'dup-1' })).status).toBe(202);
    const again = await api('POST', '/tasks', { type: 'echo', id: 'dup-1' });
    expect(again.status).toBe(409);
    expect(again.body.error.fields).toEqual([{ field: 'id', message: 'dup-1 is already taken' }]);
  });
});

describe('bad input', () => {
  it('answers 400 naming priority', async () => {
    const answer = await api('POST', '/tasks', { type: 'echo', priority: 'urgent' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['priority']);
  });

  it('answers 422 naming an unknown capability', async () => {
    const answer = await api('POST', '/tasks', { type: 'echo', requires: ['quantum'] });
    expect(answer.status).toBe(422);
    expect(JSON.stringify(answer.body)).toContain('quantum');
  });

  it('answers 400 naming payload when it is over 256 KiB', async () => {
    const answer = await api('POST', '/tasks', { type: 'echo', payload: 'x'.repeat(LIMITS.payloadBytes) });
    expect(answer.status).toBe(400);
    expect(answer.body.error.fields[0].field).toBe('payload');
  });

  it('answers 400 for a body that is not JSON, or missing', async () => {
    const notJson = await api('POST', '/tasks', undefined, 'not json');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('malformed_json');
    expect((await api('POST', '/tasks')).status).toBe(400);
  });

  it('answers 401 without a token and 403 with a wrong one, in the error format of every other status, before looking at the body', async () => {
    const missing = await apiClient(stack.apiUrl, undefined)('POST', '/tasks', { type: 'echo' });
    expect(missing).toMatchObject({ status: 401, body: { error: { code: 'unauthorized', message: expect.any(String) } } });
    expect((await apiClient(stack.apiUrl, undefined)('POST', '/tasks', undefined, 'not json')).status).toBe(401);
    const wrong = await apiClient(stack.apiUrl, 'wrong')('GET', '/tasks');
    expect(wrong).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: expect.any(String) } } });
    expect((await apiClient(stack.apiUrl, 'wrong')('POST', '/tasks', undefined, '{"type":1e999}')).status).toBe(403);
    expect(missing.body.message).toBeUndefined();
  });

  it('answers 400 naming the path to a request target no URL parser accepts, not a 500', async () => {
    const { request } = await import('node:http');
    const url = new URL(stack.apiUrl);
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const r = request({ host: url.hostname, port: url.port, method: 'GET', path: 'http://[/health' }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      r.on('error', reject);
      r.end();
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { fields: [{ field: 'path' }] } });
  });

  it('refuses numbers JSON cannot hold and prototype keys, naming the field, on the task, job and schedule routes', async () => {
    const cases: [string, string, string][] = [
      ['/jobs', '{"map":{"type":"m","items":[1,1e309]}}', 'map.items.1'],
      ['/tasks', '{"type":"echo","payload":{"n":9007199254740993}}', 'payload.n'],
      ['/schedules', '{"every":"1h","task":{"type":"echo","payload":{"n":9007199254740993}}}', 'task.payload.n'],
      ['/schedules', '{"every":"1h","task":{"type":"echo","payload":{"n":1e21}}}', 'task.payload.n'],
      ['/schedules', '{"every":"1h","task":{"type":"echo","payload":{"a":{"__proto__":{"x":1}}}}}', 'task.payload.a.__proto__'],
      ['/schedules', '{"every":"1h","task":{"type":"echo","payload":{"a":{"constructor":{"x":1}}}}}', 'task.payload.a.constructor'],
    ];
    for (const [path, raw, field] of cases) {
      const answer = await api('POST', path, undefined, raw);
      expect(answer.status, raw).toBe(400);
      expect(answer.body.error.fields.map((f: { field: string }) => f.field), raw).toContain(field);
    }
  });

  it('keeps a schedule template with numbers DynamoDB cannot hold as numbers (1e-300, 38+ digits) exactly', async () => {
    const payload = { tiny: 1e-300, precise: 0.30000000000000004, big: 9007199254740991 };
    const created = await api('POST', '/schedules', { every: '1h', paused: true, task: { type: 'echo', payload } });
    expect(created.status).toBe(201);
    expect((await api('GET', `/schedules/${created.body.id}`)).body.task.payload).toEqual(payload);
  });

  it('serves /health without a token', async () => {
    expect(await apiClient(stack.apiUrl, undefined)('GET', '/health')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('answers 404 for an unknown id and an unknown route', async () => {
    expect((await api('GET', '/tasks/no-such-task')).status).toBe(404);
    expect((await api('GET', '/nowhere')).status).toBe(404);
  });

  it('writes nothing for a refused task', async () => {
    await api('POST', '/tasks', { type: 'half-written', priority: 'urgent' });
    await api('POST', '/tasks', { type: 'half-written', requires: ['quantum'] });
    const page = await api('GET', '/tasks?limit=100');
    expect(page.body.items.filter((t: { type: string }) => t.type === 'half-written')).toEqual([]);
  });
});

describe('POST /tasks/batch', () => {
  it('accepts the valid items and names the bad item and field', async () => {
    const answer = await api('POST', '/tasks/batch', {
      tasks: [{ type: 'echo' }, { type: 'echo', priority: 'urgent' }, { type: 'echo', requires: ['gpu'] }],
    });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(answer.body.items[0]).toMatchObject({ index: 0, status: 202, taskStatus: 'PENDING', pool: 'general' });
    expect(answer.body.items[1]).toMatchObject({ index: 1, status: 400, error: { fields: [{ field: 'tasks.1.priority' }] } });
    expect(answer.body.items[2]).toMatchObject({ index: 2, status: 202, pool: 'gpu' });
    expect((await api('GET', `/tasks/${answer.body.items[2].id}`)).status).toBe(200);
  });

  it('refuses more than 500 items, and an empty batch', async () => {
    const tooMany = await api('POST', '/tasks/batch', { tasks: Array.from({ length: LIMITS.batchItems + 1 }, () => ({ type: 'echo' })) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.fields[0].field).toBe('tasks');
    expect((await api('POST', '/tasks/batch', { tasks: [] })).status).toBe(400);
  });

  it('accepts a full batch of 500', async () => {
    const answer = await api('POST', '/tasks/batch', { tasks: Array.from({ length: 500 }, (_, i) => ({ type: 'bulk', payload: { i } })) });
    expect(answer.body.accepted).toBe(500);
  });
});

describe('tenants', () => {
  it("cannot see or cancel another tenant's task", async () => {
    const { body } = await api('POST', '/tasks', { type: 'secret' });
    await stack.services.taskDeps.tokens.put(hashToken('globex-token'), 'globex', 'test');
    const globex = apiClient(stack.apiUrl, 'globex-token');
    expect((await globex('GET', `/tasks/${body.id}`)).status).toBe(404);
    expect((await globex('DELETE', `/tasks/${body.id}`)).status).toBe(404);
    expect((await globex('GET', '/tasks')).body.items).toEqual([]);
  });
});

describe('GET /tasks and DELETE /tasks/{id}', () => {
  it('cancels a PENDING task, then answers 409', async () => {
    const { body } = await api('POST', '/tasks', { type: 'to-cancel' });
    const cancelled = await api('DELETE', `/tasks/${body.id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect((await api('DELETE', `/tasks/${body.id}`)).status).toBe(409);
    expect((await api('DELETE', '/tasks/no-such-task')).status).toBe(404);
  });

  it('filters by status and pool and pages with a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await api('POST', '/tasks', { type: 'db', requires: ['database'] })).body.id);
    await api('DELETE', `/tasks/${ids[0]}`);

    const pending = await api('GET', '/tasks?pool=database&status=PENDING');
    expect(pending.body.items.map((t: { id: string }) => t.id)).toEqual(ids.slice(1).reverse());
    const cancelled = await api('GET', '/tasks?status=CANCELLED&pool=database');
    expect(cancelled.body.items.map((t: { id: string }) => t.id)).toEqual([ids[0]]);

    const first = await api('GET', '/tasks?pool=database&limit=2');
    expect(first.body.items).toHaveLength(2);
    const rest = await api('GET', `/tasks?pool=database&limit=2&cursor=${first.body.nextCursor}`);
    expect([...first.body.items, ...rest.body.items].map((t: { id: string }) => t.id).sort()).toEqual([...ids].sort());
  });

  it('names bad query parameters and a forged cursor', async () => {
    const bad = await api('GET', '/tasks?status=DONE&pool=moon');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['status', 'pool']);
    expect((await api('GET', '/tasks?cursor=not-a-cursor')).status).toBe(400);
  });
});

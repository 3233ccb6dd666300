import { describe, expect, it } from 'vitest';
import { hashToken } from '../../shared/domain/token.js';
import { apiClient, useTestStack } from '../helpers/local-stack.js';

const local = useTestStack();

describe('the lists the dashboard reads', () => {
  it('GET /jobs pages through the tenant’s jobs, newest first, with their counts', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await local.api('POST', '/jobs', { map: { type: 'echo', items: [{ i }, { i: i + 1 }] } })).body.id);

    const first = await local.api('GET', '/jobs?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((j: { id: string }) => j.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.items[0]).toMatchObject({ status: 'RUNNING', total: 2, mapType: 'echo', completed: 0, failed: 0, cancelled: 0, progress: 0 });
    const second = await local.api('GET', `/jobs?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((j: { id: string }) => j.id)).toEqual([ids[0]]);
    expect(second.body.nextCursor).toBeUndefined();

    await local.stack.services.taskDeps.tokens.put(hashToken('lists-other-tenant'), 'globex', 'test');
    expect((await apiClient(local.stack.apiUrl, 'lists-other-tenant')('GET', '/jobs')).body.items).toEqual([]);
    expect((await local.api('GET', '/jobs?limit=0')).status).toBe(400);
    expect((await local.api('GET', '/jobs?cursor=bm9wZQ')).status).toBe(400);
  });

  it('GET /workers and /workers/{id} show agents with capacity, load and running tasks; others’ are not found', async () => {
    const agent = (await local.api('POST', '/workers', { name: 'lister', capabilities: ['gpu'], capacity: { slots: 2, gpu: 1 } })).body;
    const listed = await local.api('GET', '/workers');
    expect(listed.status).toBe(200);
    expect(listed.body.items.find((a: { id: string }) => a.id === agent.id)).toMatchObject({
      name: 'lister',
      capabilities: ['gpu'],
      capacity: { slots: 2, gpu: 1 },
      status: 'online',
      load: { slots: 0, gpu: 0 },
      runningTasks: [],
    });
    const one = await local.api('GET', `/workers/${agent.id}`);
    expect(one.body).toMatchObject({ id: agent.id, heartbeatAgeSeconds: expect.any(Number) });
    expect(one.body.tenant).toBeUndefined();
    expect(one.body.leases).toBeUndefined();

    await local.stack.services.taskDeps.tokens.put(hashToken('lists-other-tenant-2'), 'initech', 'test');
    const other = apiClient(local.stack.apiUrl, 'lists-other-tenant-2');
    expect((await other('GET', `/workers/${agent.id}`)).status).toBe(404);
    expect((await other('GET', '/workers')).body.items).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, UnroutableError, ValidationError } from '../../shared/errors.js';
import { cancelTask } from '../../shared/services/cancel-task.js';
import { getTask, listTasks } from '../../shared/services/read-tasks.js';
import type { Agent } from '../../shared/domain/agent.js';
import { submitTask, submitTasks } from '../../shared/services/submit-tasks.js';
import { memoryServices } from '../helpers/memory-services.js';
import { RecentAgents } from '../../shared/adapters/recent-agents.js';

describe('submitTask', () => {
  it('writes a PENDING task routed to its pool and enqueues it', async () => {
    const services = memoryServices();
    const { created, task } = await submitTask(services, 'acme', { type: 'fetch', requires: ['http'], priority: 'high' });
    expect(created).toBe(true);
    expect(task).toMatchObject({ id: 'task-1', tenant: 'acme', status: 'PENDING', pool: 'general', priority: 'high' });
    expect(services.queue.sent.map((e) => [e.id, e.pool, e.priority])).toEqual([['task-1', 'general', 'high']]);
  });

  it('lets two tenants use the same task id', async () => {
    const services = memoryServices();
    await submitTask(services, 'acme', { type: 'echo', id: 'uni-1' });
    await expect(submitTask(services, 'globex', { type: 'echo', id: 'uni-1' })).resolves.toMatchObject({ created: true });
    expect(await services.task('uni-1', 'globex')).toMatchObject({ tenant: 'globex' });
  });

  it('returns the same task for a replayed idempotencyKey and enqueues it once', async () => {
    const services = memoryServices();
    const first = await submitTask(services, 'acme', { type: 'echo', idempotencyKey: 'k' });
    const again = await submitTask(services, 'acme', { type: 'echo', idempotencyKey: 'k' });
    expect(again).toEqual({ created: false, task: first.task });
    expect(services.queue.sent).toHaveLength(1);
  });

  it('answers a retried submit with its task even when its deadline has passed since (the first answer was lost)', async () => {
    const services = memoryServices();
    const item = { type: 'echo', idempotencyKey: 'k', deadline: '2026-01-01T00:00:10Z' };
    const first = await submitTask(services, 'acme', item);
    services.advance(30);
    const [again] = await submitTasks(services, 'acme', [item]);
    expect(again).toEqual({ ok: true, created: false, task: first.task });
    // Without a task behind the key the same item is refused, naming the field.
    const [fresh] = await submitTasks(services, 'acme', [{ ...item, idempotencyKey: 'other' }]);
    expect(fresh?.ok === false && fresh.error instanceof ValidationError && JSON.stringify(fresh.error.toJSON())).toContain('deadline');
    expect(services.queue.sent).toHaveLength(1);
  });

  it('keeps idempotency keys apart per tenant', async () => {
    const services = memoryServices();
    const a = await submitTask(services, 'acme', { type: 'echo', idempotencyKey: 'k' });
    const b = await submitTask(services, 'globex', { type: 'echo', idempotencyKey: 'k' });
    expect(b.created).toBe(true);
    expect(b.task.id).not.toBe(a.task.id);
  });

  it('refuses a client id that is taken with 409 naming id', async () => {
    const services = memoryServices();
    await submitTask(services, 'acme', { type: 'echo', id: 'mine' });
    const refused = submitTask(services, 'acme', { type: 'echo', id: 'mine' });
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toMatchObject({ status: 409, fields: [{ field: 'id' }] });
  });

  it('answers 422 naming capabilities no pool offers', async () => {
    const services = memoryServices(undefined, memoryServices().pools.filter((p) => !p.openCapabilities));
    const refused = submitTask(services, 'acme', { type: 'echo', requires: ['quantum'] });
    await expect(refused).rejects.toBeInstanceOf(UnroutableError);
    await expect(refused).rejects.toMatchObject({ status: 422, missing: ['quantum'] });
  });

  it('refuses more attempts than the pool allows', async () => {
    const refused = submitTask(memoryServices(), 'acme', { type: 'echo', maxAttempts: 99 });
    await expect(refused).rejects.toMatchObject({ status: 400, fields: [{ field: 'maxAttempts' }] });
  });

  it('writes nothing for an invalid task', async () => {
    const services = memoryServices();
    await expect(submitTask(services, 'acme', { type: 'echo', priority: 'urgent' })).rejects.toBeInstanceOf(ValidationError);
    expect(services.table.tasks.size).toBe(0);
    expect(services.queue.sent).toHaveLength(0);
  });
});

describe('submitTasks (batch)', () => {
  it('accepts the valid items and names the bad item and field', async () => {
    const services = memoryServices();
    const results = await submitTasks(
      services,
      'acme',
      [{ type: 'echo' }, { type: 'echo', priority: 'urgent' }, { type: 'echo', requires: ['quantum'] }, { type: 'echo' }],
      (i) => `tasks.${i}`,
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, false, true]);
    expect(results[1]).toMatchObject({ ok: false, error: { status: 400, fields: [{ field: 'tasks.1.priority' }] } });
    expect(results[2]).toMatchObject({ ok: false, error: { status: 422, fields: [{ field: 'tasks.2.requires' }] } });
    expect(services.queue.sent).toHaveLength(2);
  });

  it('refuses the second of two items with the same id', async () => {
    const results = await submitTasks(memoryServices(), 'acme', [{ type: 'echo', id: 'x' }, { type: 'echo', id: 'x' }], (i) => `tasks.${i}`);
    expect(results[0]?.ok).toBe(true);
    expect(results[1]).toMatchObject({ ok: false, error: { status: 409, fields: [{ field: 'tasks.1.id' }] } });
  });
});

describe('queue first, then write', () => {
  it('refuses a task whose send failed (503) and writes nothing for it', async () => {
    const services = memoryServices();
    services.queue.failNext = 1;
    const refused = submitTask(services, 'acme', { type: 'echo' });
    await expect(refused).rejects.toMatchObject({ status: 503, code: 'unavailable' });
    expect(services.table.tasks.size).toBe(0);
  });

  it('refuses only the items of a batch whose send failed', async () => {
    const services = memoryServices();
    services.queue.failNext = 1;
    const results = await submitTasks(services, 'acme', [{ type: 'echo' }, { type: 'echo' }]);
    expect(results.map((r) => r.ok)).toEqual([false, true]);
    expect(services.table.tasks.size).toBe(1);
  });

  it('writes an agent-pool task into its ready set without sending anything', async () => {
    const services = memoryServices();
    await services.agents.create(agentWith(['gpu'], { slots: 1, gpu: 8 }));
    const { task } = await submitTask(services, 'acme', { type: 'render', requires: ['gpu'], resources: { gpu: 2 } });
    expect(services.queue.sent).toHaveLength(0);
    expect((await services.queries.ready('acme', 'gpu', 10)).map((t) => t.id)).toEqual([task.id]);
  });
});

describe('admission to agent pools', () => {
  it('answers 422 when no registered agent offers a skill', async () => {
    const services = memoryServices();
    await services.agents.create(agentWith(['shell']));
    const refused = submitTask(services, 'acme', { type: 'review', requires: ['security-review'] });
    await expect(refused).rejects.toMatchObject({ status: 422, message: expect.stringContaining('no agent offers security-review') });
  });

  it('routes an open skill to the open pool once an agent offers it', async () => {
    const services = memoryServices();
    await services.agents.create(agentWith(['security-review']));
    const { task } = await submitTask(services, 'acme', { type: 'review', requires: ['security-review'] });
    expect(task.pool).toBe('agents');
  });

  it('answers 422 naming the largest agent when resources exceed every agent', async () => {
    const services = memoryServices();
    await services.agents.create(agentWith(['gpu'], { slots: 1, gpu: 8 }));
    const refused = submitTask(services, 'acme', { type: 'train', requires: ['gpu'], resources: { gpu: 16 } });
    await expect(refused).rejects.toMatchObject({ status: 422, message: expect.stringContaining('needs gpu 16, the largest agent has 8') });
  });

  it("does not count another tenant's agents", async () => {
    const services = memoryServices();
    await services.agents.create(agentWith(['shell']));
    await services.agents.create({ ...agentWith(['security-review']), tenant: 'globex' });
    await expect(submitTask(services, 'acme', { type: 'review', requires: ['security-review'] })).rejects.toMatchObject({ status: 422 });
  });

  it('accepts work for a pool whose fleet has not started yet', async () => {
    const services = memoryServices();
    await expect(submitTask(services, 'acme', { type: 'train', requires: ['gpu'], resources: { gpu: 64 } })).resolves.toMatchObject({ created: true });
  });
});

describe('admission through a recent view of the agents', () => {
  /** Services whose admission looks at a RecentAgents view first; `reads` counts the store's list reads. */
  function viewed() {
    const services = memoryServices();
    let reads = 0;
    const store = { list: (tenant: string) => ((reads += 1), services.agents.list(tenant)) };
    return { services: { ...services, agents: store, recentAgents: new RecentAgents(store, 5_000, () => 0) }, reads: () => reads, agents: services.agents };
  }

  it('admits from the view without reading the agents again', async () => {
    const { services, reads, agents } = viewed();
    await agents.create(agentWith(['gpu'], { slots: 4, gpu: 8 }));
    for (let i = 0; i < 3; i++) await submitTask(services, 'acme', { type: 'render', requires: ['gpu'], resources: { gpu: 2 } });
    expect(reads()).toBe(1);
  });

  it('reads afresh before refusing: an agent registered since the view was taken admits the task', async () => {
    const { services, reads, agents } = viewed();
    await agents.create(agentWith(['shell']));
    await submitTask(services, 'acme', { type: 'echo', requires: ['shell'] });
    await agents.create(agentWith(['security-review']));
    await expect(submitTask(services, 'acme', { type: 'review', requires: ['security-review'] })).resolves.toMatchObject({ created: true });
    expect(reads()).toBe(2);
  });

  it('refuses on the fresh read alone, naming why', async () => {
    const { services, agents } = viewed();
    await agents.create(agentWith(['gpu'], { slots: 1, gpu: 8 }));
    await submitTask(services, 'acme', { type: 'render', requires: ['gpu'] });
    await expect(submitTask(services, 'acme', { type: 'train', requires: ['gpu'], resources: { gpu: 16 } })).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('needs gpu 16, the largest agent has 8'),
    });
  });

  it('does not accept for a fleet not started on a view taken before its first agent registered', async () => {
    const { services, agents } = viewed();
    await submitTask(services, 'acme', { type: 'train', requires: ['gpu'] });
    await agents.create(agentWith(['gpu'], { slots: 1, gpu: 8 }));
    await expect(submitTask(services, 'acme', { type: 'train', requires: ['gpu'], resources: { gpu: 64 } })).rejects.toMatchObject({ status: 422 });
  });
});

describe('reading and cancelling', () => {
  it("hides another tenant's task behind 404", async () => {
    const services = memoryServices();
    const { task } = await submitTask(services, 'acme', { type: 'echo' });
    await expect(getTask(services, 'acme', task.id)).resolves.toMatchObject({ id: task.id });
    await expect(getTask(services, 'globex', task.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(cancelTask(services, 'globex', task.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('cancels a PENDING task, then answers 409', async () => {
    const services = memoryServices();
    const { task } = await submitTask(services, 'acme', { type: 'echo' });
    await expect(cancelTask(services, 'acme', task.id)).resolves.toMatchObject({ status: 'CANCELLED' });
    await expect(cancelTask(services, 'acme', task.id)).rejects.toMatchObject({ status: 409, code: 'already_terminal' });
  });

  it('lists by status and pool, paged', async () => {
    const services = memoryServices();
    await services.agents.create(agentWith(['gpu']));
    for (const requires of [[], ['gpu'], [], ['gpu']]) await submitTask(services, 'acme', { type: 'echo', requires });
    await submitTask(services, 'globex', { type: 'echo' });
    await cancelTask(services, 'acme', 'task-1');

    const gpu = await listTasks(services, 'acme', { pool: 'gpu' });
    expect(gpu.items.map((t) => t.id)).toEqual(['task-4', 'task-2']);
    const cancelled = await listTasks(services, 'acme', { status: 'cancelled' });
    expect(cancelled.items.map((t) => t.id)).toEqual(['task-1']);
    const first = await listTasks(services, 'acme', { limit: '3' });
    expect(first.items.map((t) => t.id)).toEqual(['task-4', 'task-3', 'task-2']);
    const second = await listTasks(services, 'acme', { limit: '3', cursor: first.nextCursor });
    expect(second.items.map((t) => t.id)).toEqual(['task-1']);
    expect(second.nextCursor).toBeUndefined();
    const oldest = await listTasks(services, 'acme', { limit: '2', order: 'asc' });
    expect(oldest.items.map((t) => t.id)).toEqual(['task-1', 'task-2']);
  });

  it('names each bad query parameter', async () => {
    const refused = listTasks(memoryServices(), 'acme', { status: 'DONE', pool: 'moon', limit: '0', cursor: 'eyJhIjoxZTk5OX0' });
    await expect(refused).rejects.toMatchObject({
      status: 400,
      fields: [{ field: 'status' }, { field: 'pool' }, { field: 'limit' }, { field: 'cursor' }],
    });
    await expect(listTasks(memoryServices(), 'acme', { cursor: 'eyJhIjoxZTk5OX0' })).rejects.toMatchObject({ status: 400, fields: [{ field: 'cursor' }] });
  });
});

function agentWith(capabilities: string[], capacity: Agent['capacity'] = { slots: 1 }): Agent {
  const at = '2026-01-01T00:00:00.000Z';
  return { id: `agent-${capabilities.join('-')}`, tenant: 'acme', capabilities, capacity, weight: 1, labels: {}, registeredAt: at, lastSeenAt: at, leases: {}, revision: 0 };
}

import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, UnroutableError, ValidationError } from '../../shared/errors.js';
import { cancelTask } from '../../shared/services/cancel-task.js';
import { getTask, listTasks } from '../../shared/services/read-tasks.js';
import { reconcileOutbox } from '../../shared/services/reconcile-outbox.js';
import { submitTask, submitTasks } from '../../shared/services/submit-tasks.js';
import { memoryServices } from '../helpers/memory-services.js';

describe('submitTask', () => {
  it('writes a PENDING task routed to its pool and enqueues it', async () => {
    const services = memoryServices();
    const { created, task } = await submitTask(services, 'acme', { type: 'render', requires: ['gpu'], priority: 'high' });
    expect(created).toBe(true);
    expect(task).toMatchObject({ id: 'task-1', tenant: 'acme', status: 'PENDING', pool: 'gpu', priority: 'high' });
    expect(services.queue.sent.map((e) => [e.id, e.pool, e.priority])).toEqual([['task-1', 'gpu', 'high']]);
    expect(await services.store.listOutbox(services.now(), 10)).toEqual([]);
  });

  it('returns the same task for a replayed idempotencyKey and enqueues it once', async () => {
    const services = memoryServices();
    const first = await submitTask(services, 'acme', { type: 'echo', idempotencyKey: 'k' });
    const again = await submitTask(services, 'acme', { type: 'echo', idempotencyKey: 'k' });
    expect(again).toEqual({ created: false, task: first.task });
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
    const refused = submitTask(memoryServices(), 'acme', { type: 'echo', requires: ['quantum'] });
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
    expect(services.store.tasks.size).toBe(0);
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

describe('enqueue recovery (outbox)', () => {
  it('keeps a task whose enqueue failed in the outbox, and the reconciler sends it', async () => {
    const services = memoryServices();
    services.queue.failNext = 1;
    const { task } = await submitTask(services, 'acme', { type: 'echo' });
    expect(task.status).toBe('PENDING');
    expect(services.queue.sent).toHaveLength(0);
    expect((await services.store.listOutbox(services.now(), 10)).map((e) => e.id)).toEqual([task.id]);

    // Too young: it may still be inside its submit call.
    expect(await reconcileOutbox(services, { minAgeSeconds: 30, limit: 10 })).toEqual({ found: 0, sent: 0, failed: 0 });
    services.advance(31);
    expect(await reconcileOutbox(services, { minAgeSeconds: 30, limit: 10 })).toEqual({ found: 1, sent: 1, failed: 0 });
    expect(services.queue.sent.map((e) => e.id)).toEqual([task.id]);
    expect(await services.store.listOutbox(services.now(), 10)).toEqual([]);
  });

  it('still accepts the task when the queue throws outright', async () => {
    const services = memoryServices();
    services.queue.enqueue = async () => {
      throw new Error('network down');
    };
    const { created } = await submitTask(services, 'acme', { type: 'echo' });
    expect(created).toBe(true);
    expect(services.warnings).toHaveLength(1);
    expect(await services.store.listOutbox(services.now(), 10)).toHaveLength(1);
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
    for (const requires of [[], ['gpu'], [], ['gpu']]) await submitTask(services, 'acme', { type: 'echo', requires });
    await submitTask(services, 'globex', { type: 'echo' });
    await cancelTask(services, 'acme', 'task-1');

    const gpu = await listTasks(services, 'acme', { pool: 'gpu' });
    expect(gpu.items.map((t) => t.id)).toEqual(['task-2', 'task-4']);
    const cancelled = await listTasks(services, 'acme', { status: 'CANCELLED' });
    expect(cancelled.items.map((t) => t.id)).toEqual(['task-1']);
    const first = await listTasks(services, 'acme', { limit: '3' });
    expect(first.items).toHaveLength(3);
    const second = await listTasks(services, 'acme', { limit: '3', cursor: first.nextCursor });
    expect(second.items.map((t) => t.id)).toEqual(['task-4']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('names each bad query parameter', async () => {
    const refused = listTasks(memoryServices(), 'acme', { status: 'DONE', pool: 'moon', limit: '0' });
    await expect(refused).rejects.toMatchObject({
      status: 400,
      fields: [{ field: 'status' }, { field: 'pool' }, { field: 'limit' }],
    });
  });
});

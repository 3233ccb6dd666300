import { describe, expect, it } from 'vitest';
import { leaseTasks, registerAgent } from '../../shared/services/agents.js';
import { cancelTask } from '../../shared/services/cancel-task.js';
import { claimDelivery } from '../../shared/services/claim-delivery.js';
import { completeTask } from '../../shared/services/lease-calls.js';
import { putRateLimit } from '../../shared/services/rate-limits.js';
import { submitTask } from '../../shared/services/submit-tasks.js';
import { deliveryOf, memoryExecution } from '../helpers/execution.js';
import { memoryAgentDeps } from '../helpers/agent-deps.js';
import { memoryServices, type TestServices } from '../helpers/memory-services.js';

/** PUT /rate-limits/{type} on the memory services, as the route would. */
const limitRate = (services: TestServices, tenant: string, type: string, body: { limit: number; per: string }) =>
  putRateLimit({ rates: services.rates, gate: services.gate, now: services.now }, tenant, type, body);

const claimOptions = { worker: 'w', timeoutMs: () => 30_000, checkCircuit: false };

let tenants = 0;
const fresh = (): string => `g${++tenants}`;

describe('concurrency keys', () => {
  it('on a Lambda pool: a second task of a key waits on a fresh message, uncounted, and starts once the first ends', async () => {
    const services = memoryServices();
    const worker = memoryExecution(services, {});
    const first = (await submitTask(services, 'acme', { type: 'echo', concurrencyKey: 'customer-1' })).task;
    const second = (await submitTask(services, 'acme', { type: 'echo', concurrencyKey: 'customer-1' })).task;
    const other = (await submitTask(services, 'acme', { type: 'echo', concurrencyKey: 'customer-2' })).task;
    expect(await claimDelivery(worker, deliveryOf(first), claimOptions)).toHaveProperty('claimed');
    const sentBefore = services.queue.sent.length;
    expect(await claimDelivery(worker, deliveryOf(second), claimOptions)).toMatchObject({ action: 'delete', reason: expect.stringContaining('customer-1') });
    expect(services.queue.sent.slice(sentBefore)).toEqual([expect.objectContaining({ id: second.id, delaySeconds: expect.any(Number) })]);
    expect(await services.task(second.id)).toMatchObject({ status: 'PENDING', attempts: 0 });
    expect(await claimDelivery(worker, deliveryOf(other), claimOptions)).toHaveProperty('claimed');

    await services.lifecycle.move('acme', first.id, { type: 'complete', result: null });
    expect(await claimDelivery(worker, deliveryOf(second), claimOptions)).toHaveProperty('claimed');
    expect(services.deadLetters.letters).toEqual([]);
  });

  it('honours concurrencyLimit, and frees a slot when its task is cancelled or fails', async () => {
    const services = memoryServices();
    const worker = memoryExecution(services, {});
    const tasks = [];
    for (let i = 0; i < 4; i++) tasks.push((await submitTask(services, 'acme', { type: 'echo', concurrencyKey: 'k', concurrencyLimit: 2, maxAttempts: 2 })).task);
    const claims = [];
    for (const t of tasks) claims.push(await claimDelivery(worker, deliveryOf(t), claimOptions));
    expect(claims.map((c) => 'claimed' in c)).toEqual([true, true, false, false]);
    await cancelTask(services, 'acme', tasks[0]!.id);
    expect(await claimDelivery(worker, deliveryOf(tasks[2]!), claimOptions)).toHaveProperty('claimed');
    await services.lifecycle.move('acme', tasks[1]!.id, { type: 'fail', error: { message: 'x' } });
    expect(await claimDelivery(worker, deliveryOf(tasks[3]!), claimOptions)).toHaveProperty('claimed');
  });

  it('reaps a slot left over by an attempt that ended without its release', async () => {
    const services = memoryServices();
    const worker = memoryExecution(services, {});
    const first = (await submitTask(services, 'acme', { type: 'echo', concurrencyKey: 'k' })).task;
    const second = (await submitTask(services, 'acme', { type: 'echo', concurrencyKey: 'k' })).task;
    expect(await claimDelivery(worker, deliveryOf(first), claimOptions)).toHaveProperty('claimed');
    // A crash between the completion and its release: the holder stays.
    const active = (await services.task(first.id))!;
    await services.records.commit({ before: active, after: { ...active, status: 'COMPLETED', revision: active.revision + 1 } });
    expect((await services.slots.holders('acme', ['k'])).get('k')).toHaveLength(1);
    expect(await claimDelivery(worker, deliveryOf(second), claimOptions)).toHaveProperty('claimed');
    expect((await services.slots.holders('acme', ['k'])).get('k')).toEqual([expect.objectContaining({ taskId: second.id })]);
  });

  it('on an agent pool: the policy skips a full key and takes the next key instead of nothing', async () => {
    const services = memoryServices();
    const deps = memoryAgentDeps(services);
    const tenant = fresh();
    const agent = await registerAgent(deps, tenant, { capabilities: ['shell'], capacity: { slots: 4 } });
    const a1 = (await submitTask(services, tenant, { type: 'sh', requires: ['shell'], concurrencyKey: 'a' })).task;
    await submitTask(services, tenant, { type: 'sh', requires: ['shell'], concurrencyKey: 'a' });
    const b1 = (await submitTask(services, tenant, { type: 'sh', requires: ['shell'], concurrencyKey: 'b' })).task;
    const first = await leaseTasks(deps, tenant, agent.id, { max: 4 });
    expect(first.map((t) => t.id).sort()).toEqual([a1.id, b1.id].sort());
    expect(await leaseTasks(deps, tenant, agent.id, { max: 4 })).toEqual([]);
    const leasedA = first.find((t) => t.id === a1.id)!;
    await completeTask(deps, tenant, a1.id, { leaseToken: leasedA.leaseToken, result: null });
    expect(await leaseTasks(deps, tenant, agent.id, { max: 4 })).toHaveLength(1);
  });
});

describe('rate limits', () => {
  it('on a Lambda pool: tasks over the limit wait for the next token, never counted as attempts', async () => {
    const services = memoryServices();
    const worker = memoryExecution(services, {});
    await limitRate(services, 'acme', 'echo', { limit: 2, per: '10s' });
    const tasks = [];
    for (let i = 0; i < 3; i++) tasks.push((await submitTask(services, 'acme', { type: 'echo' })).task);
    const claims = [];
    for (const t of tasks) claims.push(await claimDelivery(worker, deliveryOf(t), claimOptions));
    expect(claims.map((c) => 'claimed' in c)).toEqual([true, true, false]);
    const requeued = services.queue.sent.at(-1)!;
    expect(requeued).toMatchObject({ id: tasks[2]!.id, delaySeconds: 5 });
    expect(await services.task(tasks[2]!.id)).toMatchObject({ status: 'PENDING', attempts: 0 });
    services.advance(5);
    expect(await claimDelivery(worker, { ...deliveryOf(tasks[2]!), token: requeued.token! }, claimOptions)).toHaveProperty('claimed');
  });

  it('on a Lambda pool: a waiter reserves the next token, comes back exactly then with it on its message, and starts without asking the bucket again', async () => {
    const services = memoryServices();
    const worker = memoryExecution(services, {});
    await limitRate(services, 'acme', 'echo', { limit: 10, per: '1s' });
    const tasks = [];
    for (let i = 0; i < 30; i++) tasks.push((await submitTask(services, 'acme', { type: 'echo' })).task);
    const sentBefore = services.queue.sent.length;
    const first = [];
    for (const t of tasks) first.push(await claimDelivery(worker, deliveryOf(t), claimOptions));
    expect(first.filter((c) => 'claimed' in c)).toHaveLength(10);
    const requeued = services.queue.sent.slice(sentBefore);
    const t0 = services.now().getTime();
    // One refusal each, a token reserved 100 ms apart, and a delay of exactly the whole seconds until it (no jitter).
    expect(requeued).toHaveLength(20);
    expect(requeued.map((e) => e.token?.at)).toEqual(Array.from({ length: 20 }, (_, i) => t0 + (i + 1) * 100));
    expect(requeued.map((e) => e.delaySeconds)).toEqual([...Array(10).fill(1), ...Array(10).fill(2)]);
    expect(requeued.every((e) => e.token?.attempt === 1 && e.token.limit === 10 && e.token.perMs === 1000)).toBe(true);

    // Each comes back when its message does and starts on its token; nobody is refused twice.
    services.advance(1);
    for (const e of requeued.slice(0, 10)) expect(await claimDelivery(worker, { taskId: e.id, tenant: 'acme', token: e.token! }, claimOptions)).toHaveProperty('claimed');
    services.advance(1);
    for (const e of requeued.slice(10)) expect(await claimDelivery(worker, { taskId: e.id, tenant: 'acme', token: e.token! }, claimOptions)).toHaveProperty('claimed');
    expect(services.queue.sent).toHaveLength(sentBefore + 20);
    // The reserved tokens were the bucket's: a newcomer now waits behind them.
    const late = (await submitTask(services, 'acme', { type: 'echo' })).task;
    expect(await claimDelivery(worker, deliveryOf(late), claimOptions)).toMatchObject({ action: 'delete' });
    expect(services.queue.sent.at(-1)?.token?.at).toBe(t0 + 2100);
  });

  it('uses a held token at most once: a copy of the message, or a retry, takes a token like any start', async () => {
    const services = memoryServices();
    const worker = memoryExecution(services, {});
    await limitRate(services, 'acme', 'echo', { limit: 1, per: '10s' });
    const first = (await submitTask(services, 'acme', { type: 'echo', maxAttempts: 3 })).task;
    const second = (await submitTask(services, 'acme', { type: 'echo', maxAttempts: 3 })).task;
    expect(await claimDelivery(worker, deliveryOf(first), claimOptions)).toHaveProperty('claimed');
    await claimDelivery(worker, deliveryOf(second), claimOptions);
    const token = services.queue.sent.at(-1)!.token!;
    services.advance(10);
    const message = { ...deliveryOf(second), token };
    expect(await claimDelivery(worker, message, claimOptions)).toHaveProperty('claimed');
    // A duplicate of that message: the task is running, the copy waits out its lease.
    expect(await claimDelivery(worker, message, claimOptions)).toMatchObject({ action: 'retry', reason: 'running on another worker' });
    // Its attempt fails; the kept message comes back with the old token, which was for attempt 1.
    await services.lifecycle.move('acme', second.id, { type: 'fail', error: { message: 'x' } });
    const sent = services.queue.sent.length;
    expect(await claimDelivery(worker, message, claimOptions)).toMatchObject({ action: 'delete', reason: expect.stringContaining('reserved') });
    expect(services.queue.sent.slice(sent)).toEqual([expect.objectContaining({ id: second.id, token: expect.objectContaining({ attempt: 2, at: token.at + 10_000 }) })]);
  });

  it('sends an early token back until it is good, keeps it through a full concurrency key, and ignores a forged or stale one', async () => {
    const services = memoryServices();
    const worker = memoryExecution(services, {});
    await limitRate(services, 'acme', 'echo', { limit: 1, per: '10s' });
    const first = (await submitTask(services, 'acme', { type: 'echo' })).task;
    const waiter = (await submitTask(services, 'acme', { type: 'echo', concurrencyKey: 'k' })).task;
    const blocker = (await submitTask(services, 'acme', { type: 'unlimited', concurrencyKey: 'k' })).task;
    expect(await claimDelivery(worker, deliveryOf(first), claimOptions)).toHaveProperty('claimed');
    await claimDelivery(worker, deliveryOf(waiter), claimOptions);
    const token = services.queue.sent.at(-1)!.token!;
    expect(token.at - services.now().getTime()).toBe(10_000);
    expect(await claimDelivery(worker, deliveryOf(blocker), claimOptions)).toHaveProperty('claimed');

    // Early (more than a second before its time): back at its time, the same token.
    services.advance(5);
    expect(await claimDelivery(worker, { ...deliveryOf(waiter), token }, claimOptions)).toMatchObject({ action: 'delete' });
    expect(services.queue.sent.at(-1)).toMatchObject({ id: waiter.id, token, delaySeconds: 5 });
    // On time, but its concurrency key is full: it waits for the slot and keeps the token.
    services.advance(5);
    expect(await claimDelivery(worker, { ...deliveryOf(waiter), token }, claimOptions)).toMatchObject({ reason: expect.stringContaining('concurrency key k') });
    expect(services.queue.sent.at(-1)).toMatchObject({ id: waiter.id, token });
    await services.lifecycle.move('acme', blocker.id, { type: 'complete', result: null });
    services.advance(30);
    const tatBefore = (await services.rates.list('acme'))[0]?.tat;
    expect(await claimDelivery(worker, { ...deliveryOf(waiter), token }, claimOptions)).toHaveProperty('claimed');
    expect((await services.rates.list('acme'))[0]?.tat).toBe(tatBefore);

    // A marker for another limit, or further ahead than the horizon, holds nothing: the start takes a token.
    const other = (await submitTask(services, 'acme', { type: 'echo' })).task;
    const now = services.now().getTime();
    for (const forged of [{ at: now, attempt: 1, limit: 1000, perMs: 1000 }, { at: now + 3_600_000, attempt: 2, limit: 1, perMs: 10_000 }]) {
      expect(await claimDelivery(worker, { ...deliveryOf(other), token: forged }, claimOptions)).toHaveProperty('claimed');
      await services.lifecycle.move('acme', other.id, { type: 'fail', error: { message: 'again' } });
      expect((await services.rates.list('acme'))[0]?.tat).toBeGreaterThan(now);
      services.advance(10);
    }
  });

  it('on an agent pool: an exhausted type is skipped, other types are leased', async () => {
    const services = memoryServices();
    const deps = memoryAgentDeps(services);
    const tenant = fresh();
    await limitRate(services, tenant, 'slow', { limit: 1, per: '1m' });
    const agent = await registerAgent(deps, tenant, { capabilities: ['shell'], capacity: { slots: 4 } });
    await submitTask(services, tenant, { type: 'slow', requires: ['shell'] });
    await submitTask(services, tenant, { type: 'slow', requires: ['shell'] });
    const fast = (await submitTask(services, tenant, { type: 'fast', requires: ['shell'] })).task;
    const leased = await leaseTasks(deps, tenant, agent.id, { max: 4 });
    expect(leased.map((t) => t.type).sort()).toEqual(['fast', 'slow']);
    expect(leased.some((t) => t.id === fast.id)).toBe(true);
    expect(await leaseTasks(deps, tenant, agent.id, { max: 4 })).toEqual([]);
    services.advance(60);
    await deps.agents.touch(tenant, agent.id, services.now());
    expect(await leaseTasks(deps, tenant, agent.id, { max: 4 })).toHaveLength(1);
  });

  it('refuses a bad limit with the fields named', async () => {
    const services = memoryServices();
    const deps = { rates: services.rates, gate: services.gate, now: services.now };
    await expect(putRateLimit(deps, 'acme', 'echo', { limit: 0, per: '1 s' })).rejects.toMatchObject({
      status: 400,
      fields: [expect.objectContaining({ field: 'limit' }), expect.objectContaining({ field: 'per' })],
    });
  });
});

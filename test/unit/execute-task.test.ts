import { describe, expect, it } from 'vitest';
import { UnrecoverableError, type HandlerRegistry } from '../../shared/handlers.js';
import { executeDelivery } from '../../shared/services/execute-task.js';
import { submitTask } from '../../shared/services/submit-tasks.js';
import { deliveryOf, memoryExecution } from '../helpers/execution.js';
import { memoryServices } from '../helpers/memory-services.js';

function counting(): { calls: number; handlers: HandlerRegistry } {
  const box = { calls: 0, handlers: {} as HandlerRegistry };
  box.handlers = {
    echo: (payload) => {
      box.calls++;
      return payload;
    },
    boom: () => {
      box.calls++;
      throw new Error('boom');
    },
    bad: () => {
      throw new UnrecoverableError('bad input');
    },
    hang: (_payload, ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
    huge: () => 'x'.repeat(6 * 1024 * 1024),
  };
  return box;
}

describe('executeDelivery', () => {
  it('runs a PENDING task and completes it with the result', async () => {
    const services = memoryServices();
    const box = counting();
    const worker = memoryExecution(services, box.handlers);
    const { task } = await submitTask(services, 'acme', { type: 'echo', payload: { a: 1 } });
    expect(await executeDelivery(worker, deliveryOf(task))).toEqual({ action: 'delete', reason: 'completed' });
    expect(await services.task(task.id)).toMatchObject({ status: 'COMPLETED', result: { a: 1 }, attempts: 1, worker: 'test-worker' });
  });

  it('deletes a redelivered message of a finished task without running it again', async () => {
    const services = memoryServices();
    const box = counting();
    const worker = memoryExecution(services, box.handlers);
    const { task } = await submitTask(services, 'acme', { type: 'echo' });
    await executeDelivery(worker, deliveryOf(task));
    expect(await executeDelivery(worker, deliveryOf(task))).toEqual({ action: 'delete', reason: 'already COMPLETED' });
    expect(await executeDelivery(worker, deliveryOf(task))).toMatchObject({ action: 'delete' });
    expect(box.calls).toBe(1);
  });

  it('retries a thrown error after a backoff, then fails into the DLQ when attempts run out', async () => {
    const services = memoryServices();
    const box = counting();
    const worker = memoryExecution(services, box.handlers, { pools: memoryServices().pools });
    const { task } = await submitTask(services, 'acme', { type: 'boom', maxAttempts: 2 });
    const first = await executeDelivery(worker, deliveryOf(task));
    expect(first).toMatchObject({ action: 'retry', reason: 'retrying: boom' });
    expect(await services.task(task.id)).toMatchObject({ status: 'PENDING', attempts: 1, error: { message: 'boom' } });
    expect(worker.deadLetters.letters).toEqual([]);

    // SQS shows the message again after the backoff.
    services.advance((first as { delaySeconds: number }).delaySeconds);
    expect(await executeDelivery(worker, deliveryOf(task))).toMatchObject({ action: 'delete' });
    expect(await services.task(task.id)).toMatchObject({ status: 'FAILED', attempts: 2, error: { message: 'boom' } });
    expect(worker.deadLetters.letters).toMatchObject([{ taskId: task.id, attempts: 2, error: { message: 'boom' } }]);
  });

  it('fails an unknown type or an UnrecoverableError at once, without retries', async () => {
    const services = memoryServices();
    const worker = memoryExecution(services, counting().handlers);
    const unknown = (await submitTask(services, 'acme', { type: 'nobody-handles-this' })).task;
    const bad = (await submitTask(services, 'acme', { type: 'bad' })).task;
    await executeDelivery(worker, deliveryOf(unknown));
    await executeDelivery(worker, deliveryOf(bad));
    expect(await services.task(unknown.id)).toMatchObject({ status: 'FAILED', attempts: 1, error: { type: 'UnknownTaskType' } });
    expect(await services.task(bad.id)).toMatchObject({ status: 'FAILED', attempts: 1, error: { message: 'bad input' } });
    expect(worker.deadLetters.letters).toHaveLength(2);
  });

  it('never starts a cancelled task', async () => {
    const services = memoryServices();
    const box = counting();
    const worker = memoryExecution(services, box.handlers);
    const { task } = await submitTask(services, 'acme', { type: 'echo' });
    await services.lifecycle.move('acme', task.id, { type: 'cancel' });
    expect(await executeDelivery(worker, deliveryOf(task))).toEqual({ action: 'delete', reason: 'already CANCELLED' });
    expect(box.calls).toBe(0);
  });

  it('expires a task whose deadline passed before it started', async () => {
    const services = memoryServices();
    const box = counting();
    const worker = memoryExecution(services, box.handlers);
    const { task } = await submitTask(services, 'acme', { type: 'echo', deadline: new Date(services.now().getTime() + 5000).toISOString() });
    services.advance(6);
    expect(await executeDelivery(worker, deliveryOf(task))).toMatchObject({ action: 'delete' });
    expect(await services.task(task.id)).toMatchObject({ status: 'EXPIRED', attempts: 0 });
    expect(box.calls).toBe(0);
  });

  it('aborts a handler past its timeout and counts a failed attempt', async () => {
    const services = memoryServices();
    const worker = memoryExecution(services, counting().handlers);
    const { task } = await submitTask(services, 'acme', { type: 'hang', timeoutSeconds: 1 });
    expect(await executeDelivery(worker, deliveryOf(task))).toMatchObject({ action: 'retry' });
    expect(await services.task(task.id)).toMatchObject({ status: 'PENDING', attempts: 1, error: { type: 'TimeoutError' } });
  });

  it('fails a result over 5 MiB clearly', async () => {
    const services = memoryServices();
    const worker = memoryExecution(services, counting().handlers);
    const { task } = await submitTask(services, 'acme', { type: 'huge' });
    await executeDelivery(worker, deliveryOf(task));
    expect(await services.task(task.id)).toMatchObject({ status: 'FAILED', error: { type: 'ResultTooLarge' } });
  });

  it('leaves a task running on another worker alone until its lease ends, then counts the lost attempt', async () => {
    const services = memoryServices();
    const box = counting();
    const worker = memoryExecution(services, box.handlers);
    const { task } = await submitTask(services, 'acme', { type: 'echo', maxAttempts: 3 });
    const lease = new Date(services.now().getTime() + 60_000).toISOString();
    await services.lifecycle.move('acme', task.id, { type: 'start', worker: 'crashed', leaseExpiresAt: lease });

    expect(await executeDelivery(worker, deliveryOf(task))).toEqual({ action: 'retry', delaySeconds: 60, reason: 'running on another worker' });
    expect(box.calls).toBe(0);

    // The lost attempt counts; the same delivery then runs the next one.
    services.advance(61);
    expect(await executeDelivery(worker, deliveryOf(task))).toEqual({ action: 'delete', reason: 'completed' });
    expect(await services.task(task.id)).toMatchObject({ status: 'COMPLETED', attempts: 2, error: { message: expect.stringContaining('attempt lost') } });
    expect(box.calls).toBe(1);
  });

  it("opens the circuit of a tenant's failing type after N failures: only that type waits, untouched, until a probe closes it", async () => {
    const services = memoryServices();
    let healed = false;
    const handlers: HandlerRegistry = {
      echo: (payload) => payload,
      flaky: () => {
        if (!healed) throw new Error('down');
        return 'up';
      },
    };
    const worker = memoryExecution(services, handlers);
    const flaky = { pool: 'general', tenant: 'acme', type: 'flaky' };
    for (let i = 0; i < 3; i++) {
      const { task } = await submitTask(services, 'acme', { type: 'flaky', maxAttempts: 1 });
      await executeDelivery(worker, deliveryOf(task));
    }
    expect((await worker.circuits.get(flaky)).state.status).toBe('OPEN');

    const { task } = await submitTask(services, 'acme', { type: 'flaky', maxAttempts: 1 });
    expect(await executeDelivery(worker, deliveryOf(task))).toEqual({ action: 'retry', delaySeconds: 10, reason: 'circuit of type flaky on pool general is open' });
    expect(await services.task(task.id)).toMatchObject({ status: 'PENDING', attempts: 0 });

    // The same tenant's other types, and another tenant's same type, on the same pool, run meanwhile.
    const echo = (await submitTask(services, 'acme', { type: 'echo' })).task;
    expect(await executeDelivery(worker, deliveryOf(echo))).toMatchObject({ reason: 'completed' });
    const othersFlaky = (await submitTask(services, 'globex', { type: 'flaky', maxAttempts: 1 })).task;
    expect(await executeDelivery(worker, deliveryOf(othersFlaky))).toMatchObject({ reason: 'failed after 1 attempt(s): down' });
    expect((await worker.circuits.get(flaky)).state.status).toBe('OPEN');
    expect((await worker.circuits.get({ ...flaky, tenant: 'globex' })).state).toMatchObject({ status: 'CLOSED', consecutiveFailures: 1 });

    // Past the cool-down one probe runs; its success closes the circuit.
    services.advance(10);
    healed = true;
    expect(await executeDelivery(worker, deliveryOf(task))).toMatchObject({ reason: 'completed' });
    expect((await worker.circuits.get(flaky)).state).toEqual({ status: 'CLOSED', consecutiveFailures: 0 });
  });

  it('fails a type with no handler at once, for good, and trips no circuit however often it comes', async () => {
    const services = memoryServices();
    const worker = memoryExecution(services, counting().handlers);
    for (let i = 0; i < 10; i++) {
      const { task } = await submitTask(services, 'acme', { type: 'x', maxAttempts: 5 });
      expect(await executeDelivery(worker, deliveryOf(task))).toMatchObject({ action: 'delete' });
      expect(await services.task(task.id)).toMatchObject({ status: 'FAILED', attempts: 1, error: { message: 'no handler for type x', type: 'UnknownTaskType' } });
    }
    expect(await worker.circuits.list('general')).toEqual([]);
  });

  it('never lets a worker whose attempt was declared lost finish the next attempt', async () => {
    const services = memoryServices();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowHandlers: HandlerRegistry = { slow: async () => { await gate; return 'late'; } };
    const first = memoryExecution(services, slowHandlers, { workerId: 'first', leaseGraceSeconds: 0 });
    const second = memoryExecution(services, { slow: () => 'on time' }, { workerId: 'second', leaseGraceSeconds: 0 });
    const { task } = await submitTask(services, 'acme', { type: 'slow', timeoutSeconds: 5, maxAttempts: 3 });
    const running = executeDelivery(first, deliveryOf(task));
    await new Promise((r) => setTimeout(r, 20));
    // The first worker's lease lapses; another delivery settles the lost attempt and runs the next.
    services.advance(10);
    expect(await executeDelivery(second, deliveryOf(task))).toEqual({ action: 'delete', reason: 'completed' });
    release();
    expect(await running).toMatchObject({ action: 'delete' });
    expect(await services.task(task.id)).toMatchObject({ status: 'COMPLETED', result: 'on time', attempts: 2, worker: 'second' });
  });
});

import { describe, expect, it } from 'vitest';
import { missingRecordStep, ORPHAN_GRACE_SECONDS, orphanRetrySeconds, RECORD_REREAD_MS } from '../../shared/domain/missing-record.js';
import type { Task } from '../../shared/domain/task.js';
import { claimDelivery, type Delivery } from '../../shared/services/claim-delivery.js';
import { submitTask, submitTasks } from '../../shared/services/submit-tasks.js';
import { SEND_GROUP_SIZE, sendGroups, type QueueEntry } from '../../shared/ports/task-queue.js';
import { memoryExecution } from '../helpers/execution.js';
import { memoryServices, type TestServices } from '../helpers/memory-services.js';

const claimOptions = { worker: 'w', timeoutMs: () => 30_000, checkCircuit: false };

/**
 * A worker whose record store answers "not found" to the first `misses` reads
 * of a task, as DynamoDB does while the submit that sent its message has not
 * written it yet. Its sleep does not wait: it records the wait and moves the clock.
 */
function racingWorker(services: TestServices, misses: number) {
  let reads = 0;
  const waits: number[] = [];
  const records = {
    get: async (tenant: string, id: string): Promise<Task | undefined> => (++reads <= misses ? undefined : services.records.get(tenant, id)),
    getMany: services.records.getMany.bind(services.records),
  };
  const sleep = async (ms: number): Promise<void> => {
    waits.push(ms);
    services.advance(ms / 1000);
  };
  return { worker: memoryExecution(services, {}, { records, sleep }), waits, reads: () => reads };
}

const sentNow = (services: TestServices, task: Pick<Task, 'id' | 'tenant'>): Delivery => ({ taskId: task.id, tenant: task.tenant, sentAt: services.now().toISOString() });

describe('a message that arrives before its record', () => {
  it('is claimed in the same delivery once a re-read finds the record, not handed back for seconds', async () => {
    const services = memoryServices();
    const { task } = await submitTask(services, 'acme', { type: 'echo' });
    const { worker, waits } = racingWorker(services, 2);

    const claim = await claimDelivery(worker, sentNow(services, task), claimOptions);

    expect(claim).toHaveProperty('claimed');
    expect(waits).toEqual(RECORD_REREAD_MS.slice(0, 2));
    expect(await services.task(task.id)).toMatchObject({ status: 'ACTIVE', attempts: 1 });
  });

  it('comes back after a second, not five, when the record is later than every re-read', async () => {
    const services = memoryServices();
    const { task } = await submitTask(services, 'acme', { type: 'echo' });
    const { worker, waits } = racingWorker(services, RECORD_REREAD_MS.length + 1);

    expect(await claimDelivery(worker, sentNow(services, task), claimOptions)).toEqual({ action: 'retry', delaySeconds: 1, reason: 'record not written yet' });
    expect(waits).toEqual(RECORD_REREAD_MS);
    // Its next delivery finds the record.
    expect(await claimDelivery(worker, sentNow(services, task), claimOptions)).toHaveProperty('claimed');
  });
});

describe('an orphan message (its submission failed after the send)', () => {
  it('is read again at growing intervals, without re-reads once it is old, and dropped after the grace', async () => {
    const services = memoryServices();
    const orphan: Delivery = { taskId: 'never-written', tenant: 'acme', sentAt: services.now().toISOString() };
    const { worker, waits, reads } = racingWorker(services, Infinity);

    const delays: number[] = [];
    let outcome = await claimDelivery(worker, orphan, claimOptions);
    while ('action' in outcome && outcome.action === 'retry') {
      delays.push(outcome.delaySeconds);
      services.advance(outcome.delaySeconds);
      outcome = await claimDelivery(worker, orphan, claimOptions);
    }

    expect(outcome).toEqual({ action: 'delete', reason: 'no such task' });
    expect(delays[0]).toBe(1);
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    expect(delays.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(ORPHAN_GRACE_SECONDS - 30);
    // A handful of deliveries over two minutes, each read at most 5 times.
    expect(delays.length).toBeLessThan(20);
    expect(reads()).toBeLessThan((delays.length + 1) * (RECORD_REREAD_MS.length + 1));
    expect(waits.length).toBeLessThanOrEqual(4 * RECORD_REREAD_MS.length);
  });

  it('is dropped at once when its send time is unknown', async () => {
    const services = memoryServices();
    const { worker, waits } = racingWorker(services, Infinity);
    expect(await claimDelivery(worker, { taskId: 'x', tenant: 'acme' }, claimOptions)).toEqual({ action: 'delete', reason: 'no such task' });
    expect(waits).toEqual([]);
  });
});

describe('missingRecordStep', () => {
  it('re-reads a young message on the backoff schedule, then hands it back for a second', () => {
    expect(RECORD_REREAD_MS.map((_, i) => missingRecordStep(0.05, i))).toEqual(RECORD_REREAD_MS.map((afterMs) => ({ kind: 'reread', afterMs })));
    expect(missingRecordStep(0.4, RECORD_REREAD_MS.length)).toEqual({ kind: 'retry', delaySeconds: 1 });
  });

  it('does not hold an invocation for an old message, and drops it past the grace', () => {
    expect(missingRecordStep(20, 0)).toEqual({ kind: 'retry', delaySeconds: 10 });
    expect(missingRecordStep(ORPHAN_GRACE_SECONDS, 0)).toEqual({ kind: 'drop' });
    expect(missingRecordStep(Infinity, 0)).toEqual({ kind: 'drop' });
  });

  it('grows the visibility with the age, from 1 s to a cap', () => {
    expect([0, 1, 2, 3, 10, 59, 61, 119].map(orphanRetrySeconds)).toEqual([1, 1, 1, 2, 5, 30, 30, 30]);
    expect(orphanRetrySeconds(-3)).toBe(1);
  });
});

describe('a batch submit', () => {
  it('writes each send group right after its send, so no message waits on the rest of the batch', async () => {
    const services = memoryServices();
    const unwrittenAtSend: number[] = [];
    const send = services.queue.enqueue.bind(services.queue);
    services.queue.enqueue = async (entries: readonly QueueEntry[]) => {
      unwrittenAtSend.push(services.queue.sent.length - services.table.tasks.size);
      return send(entries);
    };

    const results = await submitTasks(services, 'acme', Array.from({ length: 100 }, (_, i) => ({ type: 'echo', priority: i % 2 === 0 ? 'normal' : 'low' }) as const));

    expect(results.every((r) => r.ok)).toBe(true);
    // One send per group of ten of a queue: no more requests than sending all at once.
    expect(unwrittenAtSend).toHaveLength(100 / SEND_GROUP_SIZE);
    // Sent but unwritten when the next group goes: at most the groups in flight, never the batch.
    expect(Math.max(...unwrittenAtSend)).toBeLessThanOrEqual(3 * SEND_GROUP_SIZE);
    expect(services.table.tasks.size).toBe(100);
  });

  it('groups sends by queue, ten at most, in order', () => {
    const items = ['a1', 'b1', 'a2', 'a3', 'b2'];
    expect(sendGroups(items, (s) => s[0] as string)).toEqual([['a1', 'a2', 'a3'], ['b1', 'b2']]);
    expect(sendGroups(Array.from({ length: 25 }, (_, i) => i), () => 'q').map((g) => g.length)).toEqual([10, 10, 5]);
  });
});

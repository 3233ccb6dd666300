import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandlerRegistry } from '../../shared/handlers.js';
import { executeDelivery, type ExecutionDeps } from '../../shared/services/execute-task.js';
import { checkCircuit, recordOutcome } from '../../shared/services/circuit.js';
import { submitTask } from '../../shared/services/submit-tasks.js';
import type { LocalStack } from '../../local/runtime.js';
import { startTestStack } from '../helpers/local-stack.js';

let stack: LocalStack;
let sideEffects: Map<string, number>;
let worker: ExecutionDeps;

beforeAll(async () => {
  stack = await startTestStack({ workers: false });
  sideEffects = new Map();
  const handlers: HandlerRegistry = {
    charge: async (payload) => {
      const key = JSON.stringify(payload);
      sideEffects.set(key, (sideEffects.get(key) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { charged: payload };
    },
  };
  worker = { ...stack.services.workerDeps(handlers), handlers, remainingMs: () => 60_000 };
});
afterAll(async () => stack?.stop());

describe('duplicate deliveries, on DynamoDB', () => {
  it('runs a task once when its message is delivered three times in a row', async () => {
    const { task } = await submitTask(stack.services.taskDeps, 'acme', { type: 'charge', payload: { order: 'seq' } });
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await executeDelivery(worker, { taskId: task.id, tenant: 'acme' }));
    expect(outcomes.map((o) => o.reason)).toEqual(['completed', 'already COMPLETED', 'already COMPLETED']);
    expect(sideEffects.get(JSON.stringify({ order: 'seq' }))).toBe(1);
  });

  it('runs a task once when ten copies of its message arrive at the same time', async () => {
    const { task } = await submitTask(stack.services.taskDeps, 'acme', { type: 'charge', payload: { order: 'concurrent' } });
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => executeDelivery(worker, { taskId: task.id, tenant: 'acme' })));
    expect(sideEffects.get(JSON.stringify({ order: 'concurrent' }))).toBe(1);
    expect(outcomes.filter((o) => o.reason === 'completed')).toHaveLength(1);
    // The copies that found it running keep their message until the lease ends; none deletes it early.
    for (const o of outcomes) expect(['completed', 'running on another worker', 'already COMPLETED']).toContain(o.reason);
    expect(await stack.services.taskDeps.records.get('acme', task.id)).toMatchObject({ status: 'COMPLETED', attempts: 1 });
  });
});

describe('the circuit breaker, shared through DynamoDB', () => {
  it('opens for every worker after N failures, lets one probe through, and closes on its success', async () => {
    const policy = { failureThreshold: 3, cooldownSeconds: 2 };
    const database = { pool: 'database', tenant: 'acme', type: `migrate-${randomUUID()}` };
    const t0 = new Date();
    for (let i = 0; i < 3; i++) await recordOutcome(worker.circuits, database, policy, false, t0);
    expect(await checkCircuit(worker.circuits, database, policy, t0)).toEqual({ allowed: false, retryAfterSeconds: 2 });

    const later = new Date(t0.getTime() + 2500);
    const probes = await Promise.all(Array.from({ length: 5 }, () => checkCircuit(worker.circuits, database, policy, later)));
    expect(probes.filter((p: { allowed: boolean }) => p.allowed)).toHaveLength(1);

    await recordOutcome(worker.circuits, database, policy, true, later);
    expect(await checkCircuit(worker.circuits, database, policy, later)).toEqual({ allowed: true });
    expect((await worker.circuits.get(database)).state).toEqual({ status: 'CLOSED', consecutiveFailures: 0 });
  });
});

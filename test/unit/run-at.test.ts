import { describe, expect, it } from 'vitest';
import { MemoryCircuitStore } from '../../shared/adapters/memory/memory-circuit-store.js';
import { leaseTasks, registerAgent, type AgentDeps } from '../../shared/services/agents.js';
import { executeDelivery } from '../../shared/services/execute-task.js';
import { submitTask, submitTasks } from '../../shared/services/submit-tasks.js';
import { sweepDue, type SweepDeps } from '../../shared/services/sweep.js';
import { deliveryOf, memoryExecution } from '../helpers/execution.js';
import { memoryServices, type TestServices } from '../helpers/memory-services.js';

const HOUR = 3600;

function sweepDeps(services: TestServices): SweepDeps {
  return {
    lifecycle: services.lifecycle,
    records: services.records,
    queries: services.queries,
    circuits: new MemoryCircuitStore(),
    pools: services.pools,
    now: services.now,
    random: () => 0,
    warn: services.warn,
  };
}

function agentDeps(services: TestServices): AgentDeps {
  let n = 0;
  return { ...sweepDeps(services), queries: services.queries, agents: services.agents, signal: services.signal, newId: () => `agent-${++n}`, newToken: () => `token-${++n}` };
}

describe('runAt and long delays (an injected clock, never a wait)', () => {
  it('holds a Lambda-pool task an hour out in the table, queues it for its last 15 minutes, and runs it only when due', async () => {
    const services = memoryServices();
    const runAt = new Date(services.now().getTime() + HOUR * 1000).toISOString();
    const { task } = await submitTask(services, 'acme', { type: 'echo', runAt });
    expect(task).toMatchObject({ status: 'PENDING', runAt, availableAt: runAt, due: { kind: 'delay' } });
    expect(services.queue.sent).toEqual([]);

    const sweep = sweepDeps(services);
    services.advance(HOUR - 900 - 1);
    await sweepDue(sweep);
    expect(services.queue.sent).toEqual([]);

    services.advance(1);
    await sweepDue(sweep);
    expect(services.queue.sent).toEqual([expect.objectContaining({ id: task.id, delaySeconds: 900 })]);
    expect((await services.task(task.id))?.due).toBeUndefined();

    // SQS delivers early only if something is wrong; the worker still refuses to start it before runAt.
    const worker = memoryExecution(services, { echo: async (payload) => payload });
    services.advance(899);
    expect(await executeDelivery(worker, deliveryOf(task))).toMatchObject({ action: 'retry', delaySeconds: 1 });
    expect(await services.task(task.id)).toMatchObject({ status: 'PENDING', attempts: 0 });
    services.advance(1);
    expect(await executeDelivery(worker, deliveryOf(task))).toMatchObject({ action: 'delete' });
    expect(await services.task(task.id)).toMatchObject({ status: 'COMPLETED', attempts: 1, runAt });
  });

  it('leases an agent-pool task no earlier than its runAt', async () => {
    const services = memoryServices();
    const deps = agentDeps(services);
    const agent = await registerAgent(deps, 'acme', { capabilities: ['shell'] });
    const runAt = new Date(services.now().getTime() + HOUR * 1000).toISOString();
    const { task } = await submitTask(services, 'acme', { type: 'sh', requires: ['shell'], runAt });
    for (const step of [0, HOUR / 2, HOUR / 2 - 1]) {
      services.advance(step);
      await deps.agents.touch('acme', agent.id, services.now());
      expect(await leaseTasks(deps, 'acme', agent.id, {})).toEqual([]);
    }
    services.advance(1);
    await deps.agents.touch('acme', agent.id, services.now());
    expect((await leaseTasks(deps, 'acme', agent.id, {})).map((t) => t.id)).toEqual([task.id]);
  });

  it('takes delaySeconds up to a year, and refuses runAt with delaySeconds, or further out than a year', async () => {
    const services = memoryServices();
    const now = services.now().getTime();
    const results = await submitTasks(services, 'acme', [
      { type: 'echo', delaySeconds: 365 * 24 * HOUR },
      { type: 'echo', delaySeconds: 365 * 24 * HOUR + 1 },
      { type: 'echo', runAt: new Date(now + 60_000).toISOString(), delaySeconds: 60 },
      { type: 'echo', runAt: new Date(now + 366 * 24 * HOUR * 1000).toISOString() },
      { type: 'echo', runAt: 'tomorrow' },
    ]);
    expect(results[0]).toMatchObject({ ok: true, task: { due: { kind: 'delay' } } });
    const fields = results.slice(1).map((r) => (r.ok ? [] : (r.error as unknown as { fields: { field: string }[] }).fields.map((f) => f.field)));
    expect(fields).toEqual([['delaySeconds'], ['runAt'], ['runAt'], ['runAt']]);
  });

  it('runs a runAt already past at once', async () => {
    const services = memoryServices();
    const { task } = await submitTask(services, 'acme', { type: 'echo', runAt: '2025-12-31T23:00:00Z' });
    expect(task.availableAt).toBeUndefined();
    expect(services.queue.sent).toEqual([expect.objectContaining({ id: task.id, delaySeconds: 0 })]);
  });
});

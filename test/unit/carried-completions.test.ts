import { describe, expect, it, vi } from 'vitest';
import type { Task } from '../../shared/domain/task.js';
import type { RecordRead } from '../../shared/ports/task-records.js';
import { leaseCall, leaseTasks, registerAgent, type AgentDeps } from '../../shared/services/agents.js';
import { completeTask, heartbeatTask } from '../../shared/services/lease-calls.js';
import { submitTask } from '../../shared/services/submit-tasks.js';
import { memoryAgentDeps } from '../helpers/agent-deps.js';
import { memoryServices, type TestServices } from '../helpers/memory-services.js';

let tenants = 0;
const fresh = (): string => `carry${++tenants}`;

async function oneAgent(slots = 1): Promise<{ services: TestServices; deps: AgentDeps; tenant: string; agentId: string }> {
  const services = memoryServices();
  const deps = memoryAgentDeps(services);
  const tenant = fresh();
  const agent = await registerAgent(deps, tenant, { capabilities: ['shell'], capacity: { slots } });
  return { services, deps, tenant, agentId: agent.id };
}

describe('completions carried by a lease call', () => {
  it('completes each carried task and leases into the slot it freed, in the same call, reading no record twice', async () => {
    const { services, deps, tenant, agentId } = await oneAgent(1);
    const first = (await submitTask(services, tenant, { type: 'sh', requires: ['shell'] })).task;
    const second = (await submitTask(services, tenant, { type: 'sh', requires: ['shell'] })).task;
    const [leased] = await leaseTasks(deps, tenant, agentId, { finished: [] });
    expect(leased?.id).toBe(first.id);
    const getMany = vi.spyOn(deps.records, 'getMany');
    const answer = await leaseCall(deps, tenant, agentId, { completed: [{ taskId: first.id, leaseToken: leased?.leaseToken, result: { ok: 1 } }] });
    expect(answer.completed).toEqual([{ taskId: first.id, status: 200 }]);
    expect(answer.tasks.map((t) => t.id)).toEqual([second.id]);
    expect(await services.task(first.id, tenant)).toMatchObject({ status: 'COMPLETED', result: { ok: 1 } });
    // Its end is known from the call's own write: only the claim's read of the task it leases.
    expect(getMany.mock.calls.map(([, ids]) => ids)).toEqual([[second.id]]);
    expect(Object.keys((await deps.agents.get(tenant, agentId))?.leases ?? {})).toEqual([second.id]);
  });

  it("frees a carried task's resources in the call's own write: its end neither reads nor writes the agent's record besides", async () => {
    const services = memoryServices();
    const deps = memoryAgentDeps(services);
    const tenant = fresh();
    const { id: agentId } = await registerAgent(deps, tenant, { capabilities: ['gpu'], capacity: { slots: 2, gpu: 2 } });
    const big = (await submitTask(services, tenant, { type: 'train', requires: ['gpu'], resources: { gpu: 2 } })).task;
    const [leased] = await leaseTasks(deps, tenant, agentId, { finished: [] });
    expect(leased?.id).toBe(big.id);
    // A call that waited set waitingUntil: an end reported on its own would read the record and write the drop.
    await deps.agents.update(tenant, agentId, { seenAt: new Date(), waitingUntil: new Date(Date.now() + 60_000), drop: [] });
    const next = (await submitTask(services, tenant, { type: 'train', requires: ['gpu'], resources: { gpu: 2 } })).task;
    const get = vi.spyOn(deps.agents, 'get');
    const update = vi.spyOn(deps.agents, 'update');
    const reserve = vi.spyOn(deps.agents, 'reserve');
    const answer = await leaseCall(deps, tenant, agentId, { finished: [], completed: [{ taskId: big.id, leaseToken: leased?.leaseToken, result: null }] });
    expect(answer.tasks.map((t) => t.id)).toEqual([next.id]);
    expect([get.mock.calls.length, update.mock.calls.length, reserve.mock.calls.length]).toEqual([1, 0, 1]);
    expect(Object.keys((await deps.agents.get(tenant, agentId))?.leases ?? {})).toEqual([next.id]);
  });

  it('answers a stale token 409 for that task alone: the others complete, and the stale one keeps the room it holds', async () => {
    const { services, deps, tenant, agentId } = await oneAgent(2);
    const a = (await submitTask(services, tenant, { type: 'sh', requires: ['shell'] })).task;
    const b = (await submitTask(services, tenant, { type: 'sh', requires: ['shell'] })).task;
    const leased = await leaseTasks(deps, tenant, agentId, { max: 2, finished: [] });
    const tokenOf = (id: string): string => leased.find((t) => t.id === id)?.leaseToken ?? '';
    const answer = await leaseCall(deps, tenant, agentId, {
      completed: [
        { taskId: a.id, leaseToken: 'not-the-token', result: null },
        { taskId: b.id, leaseToken: tokenOf(b.id), result: 'done' },
      ],
    });
    expect(answer.completed).toEqual([
      { taskId: a.id, status: 409, error: expect.objectContaining({ code: 'stale_lease' }) },
      { taskId: b.id, status: 200 },
    ]);
    expect(await services.task(a.id, tenant)).toMatchObject({ status: 'ACTIVE' });
    expect(await services.task(b.id, tenant)).toMatchObject({ status: 'COMPLETED', result: 'done' });
    // a is still this agent's attempt: checked against its record, it keeps its slot.
    expect(Object.keys((await deps.agents.get(tenant, agentId))?.leases ?? {})).toEqual([a.id]);
  });

  it('refuses a malformed carried completion with 400 naming its field, before completing anything', async () => {
    const { deps, tenant, agentId } = await oneAgent();
    await expect(leaseCall(deps, tenant, agentId, { completed: [{ taskId: 'x' }] })).rejects.toMatchObject({
      status: 400,
      fields: [expect.objectContaining({ field: 'completed.0.leaseToken' })],
    });
  });
});

/** Task records whose half-price reads answer an earlier version of the task `stale` names, as a lagging replica may. */
function lagging(records: AgentDeps['records'], stale: Map<string, Task>): AgentDeps['records'] {
  const early = (read?: RecordRead): boolean => read?.latest === false;
  const lagged = async (tenant: string, id: string): Promise<Task | undefined> => stale.get(id) ?? (await records.get(tenant, id));
  return {
    get: async (tenant, id, read) => (early(read) ? lagged(tenant, id) : records.get(tenant, id)),
    getMany: async (tenant, ids, read) => (early(read) ? (await Promise.all(ids.map((id) => lagged(tenant, id)))).filter((t) => t !== undefined) : records.getMany(tenant, ids)),
  };
}

describe('lease-token calls read at half price and stay right on an earlier version', () => {
  it('completes although the half-price read shows the task before its claim (the refusal is read again, consistently)', async () => {
    const { services, deps, tenant, agentId } = await oneAgent();
    const { task } = await submitTask(services, tenant, { type: 'sh', requires: ['shell'] });
    const pending = await services.records.get(tenant, task.id);
    const [leased] = await leaseTasks(deps, tenant, agentId, {});
    const stale = new Map([[task.id, pending as Task]]);
    const lag = { ...deps, records: lagging(deps.records, stale) };
    const done = await completeTask(lag, tenant, task.id, { leaseToken: leased?.leaseToken, result: 7 });
    expect(done).toMatchObject({ status: 'COMPLETED', result: 7 });
  });

  it('completes although the half-price read shows an earlier version the token holds (the write loses the race and reads again)', async () => {
    const { services, deps, tenant, agentId } = await oneAgent();
    const { task } = await submitTask(services, tenant, { type: 'sh', requires: ['shell'] });
    const [leased] = await leaseTasks(deps, tenant, agentId, {});
    const claimed = await services.records.get(tenant, task.id);
    services.advance(1);
    await heartbeatTask(deps, tenant, task.id, { leaseToken: leased?.leaseToken });
    const lag = { ...deps, records: lagging(deps.records, new Map([[task.id, claimed as Task]])) };
    const done = await completeTask(lag, tenant, task.id, { leaseToken: leased?.leaseToken, result: 'late' });
    expect(done).toMatchObject({ status: 'COMPLETED', result: 'late', revision: (claimed?.revision ?? 0) + 2 });
  });

  it('still refuses a stale token when the latest version refuses it too', async () => {
    const { services, deps, tenant, agentId } = await oneAgent();
    const { task } = await submitTask(services, tenant, { type: 'sh', requires: ['shell'] });
    await leaseTasks(deps, tenant, agentId, {});
    await expect(completeTask(deps, tenant, task.id, { leaseToken: 'someone-else', result: null })).rejects.toMatchObject({ status: 409, code: 'stale_lease' });
    expect(await services.task(task.id, tenant)).toMatchObject({ status: 'ACTIVE' });
  });
});

describe('a lease call that loses a claim', () => {
  it('gives the task up without reading it again, and frees the room it reserved for it', async () => {
    const { services, deps, tenant, agentId } = await oneAgent();
    const rival = await registerAgent(deps, tenant, { capabilities: ['shell'] });
    const { task } = await submitTask(services, tenant, { type: 'sh', requires: ['shell'] });
    const pending = (await services.records.get(tenant, task.id)) as Task;
    const readyBefore = await deps.queries.ready(tenant, 'shell', 8);
    expect((await leaseTasks(deps, tenant, rival.id, {})).map((t) => t.id)).toEqual([task.id]);
    // This agent's reads still show the task PENDING (the index and its half-price read lag): it reserves, claims, and loses.
    const lag = { ...deps, records: lagging(deps.records, new Map([[task.id, pending]])), queries: { ready: async () => readyBefore } };
    const reserve = vi.spyOn(deps.agents, 'reserve');
    const reads = vi.spyOn(services.table, 'get');
    expect(await leaseTasks(lag, tenant, agentId, {})).toEqual([]);
    expect(reserve).toHaveBeenCalledTimes(1);
    expect(reads).not.toHaveBeenCalled();
    expect((await deps.agents.get(tenant, agentId))?.leases).toEqual({});
    expect(await services.task(task.id, tenant)).toMatchObject({ status: 'ACTIVE', worker: rival.id });
  });
});

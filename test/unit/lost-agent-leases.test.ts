import { describe, expect, it, vi } from 'vitest';
import { AGENT_LOST_AFTER_SECONDS } from '../../shared/domain/agent.js';
import { agentHeartbeat, leaseTasks, registerAgent } from '../../shared/services/agents.js';
import { completeTask, heartbeatTask } from '../../shared/services/lease-calls.js';
import { submitTask } from '../../shared/services/submit-tasks.js';
import { sweepDue, type SweepDeps } from '../../shared/services/sweep.js';
import { memoryAgentDeps } from '../helpers/agent-deps.js';
import { memoryServices, type TestServices } from '../helpers/memory-services.js';

let tenants = 0;
const fresh = (): string => `lost${++tenants}`;

/** Sweeps as the schedule would, every `every` seconds for `seconds`, calling `between` before each. */
async function sweepFor(d: SweepDeps, services: TestServices, seconds: number, every: number, between: () => Promise<void> = async () => undefined): Promise<void> {
  for (let t = 0; t < seconds; t += every) {
    services.advance(every);
    await between();
    await sweepDue(d);
  }
}

/**
 * The fault run (bench/fault-run.ts) left tasks ACTIVE for five minutes after it
 * SIGKILLed the agents holding them: a lease lasts the task's timeout plus a grace
 * (300 + 30 s by default), and nothing else ended it. Now an agent silent for
 * AGENT_LOST_AFTER_SECONDS loses its leases at the next sweep.
 */
describe('the sweep and agents that went silent', () => {
  it("gives a killed agent's task to another agent long before its lease would lapse", async () => {
    const services = memoryServices();
    const d = memoryAgentDeps(services);
    const tenant = fresh();
    const killed = await registerAgent(d, tenant, { capabilities: ['shell'] });
    const { task } = await submitTask(services, tenant, { type: 'sh', requires: ['shell'], timeoutSeconds: 300 });
    const [leased] = await leaseTasks(d, tenant, killed.id, {});
    expect(leased?.id).toBe(task.id);

    // The agent is SIGKILLed: no heartbeat, no lease call, no task call from now on.
    await sweepFor(d, services, AGENT_LOST_AFTER_SECONDS + 10, 5);

    expect(await services.task(task.id, tenant)).toMatchObject({ status: 'PENDING', attempts: 1, error: { type: 'AttemptLost' } });
    expect((await services.agents.get(tenant, killed.id))?.leases).toEqual({});
    const other = await registerAgent(d, tenant, { capabilities: ['shell'] });
    expect(await leaseTasks(d, tenant, other.id, {})).toMatchObject([{ id: task.id, attempt: 2 }]);
    await expect(completeTask(d, tenant, task.id, { leaseToken: leased!.leaseToken, result: 'late' })).rejects.toMatchObject({ status: 409 });
  });

  it('leaves a long task alone while its agent heartbeats, however long it runs', async () => {
    const services = memoryServices();
    const d = memoryAgentDeps(services);
    const tenant = fresh();
    const agent = await registerAgent(d, tenant, { capabilities: ['shell'] });
    const { task } = await submitTask(services, tenant, { type: 'sh', requires: ['shell'], timeoutSeconds: 3600 });
    await leaseTasks(d, tenant, agent.id, {});

    await sweepFor(d, services, 1800, 5, async () => void (await agentHeartbeat(d, tenant, agent.id)));

    expect(await services.task(task.id, tenant)).toMatchObject({ status: 'ACTIVE', attempts: 1 });
  });

  it('counts task heartbeats as signs of life too', async () => {
    const services = memoryServices();
    const d = memoryAgentDeps(services);
    const tenant = fresh();
    const agent = await registerAgent(d, tenant, { capabilities: ['shell'] });
    const { task } = await submitTask(services, tenant, { type: 'sh', requires: ['shell'], timeoutSeconds: 60 });
    const [leased] = await leaseTasks(d, tenant, agent.id, {});

    await sweepFor(d, services, 600, 5, async () => void (await heartbeatTask(d, tenant, task.id, { leaseToken: leased!.leaseToken })));

    expect(await services.task(task.id, tenant)).toMatchObject({ status: 'ACTIVE', attempts: 1 });
  });

  it("watches a long task through its agent's record: no write to the task, one to the record per check at most", async () => {
    const services = memoryServices();
    const d = memoryAgentDeps(services);
    const tenant = fresh();
    const agent = await registerAgent(d, tenant, { capabilities: ['shell'] });
    const { task } = await submitTask(services, tenant, { type: 'sh', requires: ['shell'], timeoutSeconds: 3600 });
    await leaseTasks(d, tenant, agent.id, {});
    const started = (await services.task(task.id, tenant))!.revision;
    const rechecks = vi.spyOn(services.agents, 'recheck');

    await sweepFor(d, services, 600, 5, async () => void (await agentHeartbeat(d, tenant, agent.id)));

    expect((await services.task(task.id, tenant))!.revision).toBe(started);
    // 600 s, a check at most every AGENT_LOST_AFTER_SECONDS: a handful of entry writes, not 120.
    expect(rechecks.mock.calls.length).toBeGreaterThan(0);
    expect(rechecks.mock.calls.length).toBeLessThanOrEqual(Math.ceil(600 / (AGENT_LOST_AFTER_SECONDS - 5)) + 1);
  });

  it('keeps watching a task its agent lists as finished although its end never reached the API', async () => {
    const services = memoryServices();
    const d = memoryAgentDeps(services);
    const tenant = fresh();
    const agent = await registerAgent(d, tenant, { capabilities: ['shell'] });
    const { task } = await submitTask(services, tenant, { type: 'sh', requires: ['shell'], timeoutSeconds: 60 });
    await leaseTasks(d, tenant, agent.id, { finished: [] });
    // Its completion was lost (the API was down); the agent says it is done with it anyway.
    expect(await leaseTasks(d, tenant, agent.id, { finished: [task.id] })).toEqual([]);
    expect(Object.keys((await services.agents.get(tenant, agent.id))?.leases ?? {})).toEqual([task.id]);

    await sweepFor(d, services, 120, 5, async () => void (await agentHeartbeat(d, tenant, agent.id)));
    expect(await services.task(task.id, tenant)).toMatchObject({ status: 'PENDING', attempts: 1, error: { type: 'AttemptLost' } });
  });

  it('clears an entry whose claim never happened (the lease call died between its two writes), and the agent leaves the sweep\'s list', async () => {
    const services = memoryServices();
    const d = memoryAgentDeps(services);
    const tenant = fresh();
    const agent = await registerAgent(d, tenant, { capabilities: ['shell'] });
    const { task } = await submitTask(services, tenant, { type: 'sh', requires: ['shell'] });
    const seen = (await services.agents.get(tenant, agent.id))!;
    await services.agents.reserve(seen, [{ taskId: task.id, checkAt: new Date(services.now().getTime() + 30_000).toISOString() }], [], services.now());
    expect(await services.agents.leaseHolders()).toHaveLength(1);

    await sweepFor(d, services, 40, 5, async () => void (await agentHeartbeat(d, tenant, agent.id)));
    expect((await services.agents.get(tenant, agent.id))?.leases).toEqual({});
    await sweepDue(d);
    expect(await services.agents.leaseHolders()).toHaveLength(0);
    expect(await services.task(task.id, tenant)).toMatchObject({ status: 'PENDING', attempts: 0 });
  });
});

describe('leases whose answer never reached the agent', () => {
  it('hands back a lease the live agent does not list, without counting an attempt', async () => {
    const services = memoryServices();
    const d = memoryAgentDeps(services);
    const tenant = fresh();
    const agent = await registerAgent(d, tenant, { capabilities: ['shell'] });
    const { task } = await submitTask(services, tenant, { type: 'sh', requires: ['shell'], timeoutSeconds: 300 });
    // The lease call claims it, then its answer is lost (the API restarted): the agent runs nothing.
    await leaseTasks(d, tenant, agent.id, {});

    // Heartbeats listing nothing: not believed while the answer could still be on its way...
    services.advance(20);
    await agentHeartbeat(d, tenant, agent.id, { running: [] });
    expect(await services.task(task.id, tenant)).toMatchObject({ status: 'ACTIVE' });
    // ...then the lease goes back, the attempt uncounted, and the agent's slot is free.
    services.advance(60);
    await agentHeartbeat(d, tenant, agent.id, { running: [] });
    expect(await services.task(task.id, tenant)).toMatchObject({ status: 'PENDING', attempts: 0 });
    expect(await leaseTasks(d, tenant, agent.id, {})).toMatchObject([{ id: task.id, attempt: 1 }]);
  });

  it('keeps leases the agent lists, has touched, or that an older agent (no list) holds', async () => {
    const services = memoryServices();
    const d = memoryAgentDeps(services);
    const tenant = fresh();
    const agent = await registerAgent(d, tenant, { capabilities: ['shell'], capacity: { slots: 3 } });
    const listed = (await submitTask(services, tenant, { type: 'sh', requires: ['shell'] })).task;
    const touched = (await submitTask(services, tenant, { type: 'sh', requires: ['shell'] })).task;
    const leased = await leaseTasks(d, tenant, agent.id, { max: 3 });
    expect(leased).toHaveLength(2);
    services.advance(30);
    await heartbeatTask(d, tenant, touched.id, { leaseToken: leased.find((l) => l.id === touched.id)!.leaseToken });
    services.advance(60);

    await agentHeartbeat(d, tenant, agent.id);
    await agentHeartbeat(d, tenant, agent.id, { running: [listed.id] });

    expect(await services.task(listed.id, tenant)).toMatchObject({ status: 'ACTIVE' });
    expect(await services.task(touched.id, tenant)).toMatchObject({ status: 'ACTIVE' });
  });

  it('refuses a malformed running list with a 400', async () => {
    const services = memoryServices();
    const d = memoryAgentDeps(services);
    const tenant = fresh();
    const agent = await registerAgent(d, tenant, { capabilities: ['shell'] });
    await expect(agentHeartbeat(d, tenant, agent.id, { running: 'task-1' })).rejects.toMatchObject({ status: 400 });
    await expect(agentHeartbeat(d, tenant, agent.id, { running: [], extra: 1 })).rejects.toMatchObject({ status: 400 });
  });
});

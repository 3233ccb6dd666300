import { describe, expect, it, vi } from 'vitest';
import { affinityOwner } from '../../shared/domain/scheduling/affinity.js';
import { leaseTasks, registerAgent, type AgentDeps } from '../../shared/services/agents.js';
import { cancelTask } from '../../shared/services/cancel-task.js';
import { completeTask, heartbeatTask } from '../../shared/services/lease-calls.js';
import { ReadyView } from '../../shared/services/ready-view.js';
import { submitTask } from '../../shared/services/submit-tasks.js';
import { sweepDue } from '../../shared/services/sweep.js';
import { memoryAgentDeps } from '../helpers/agent-deps.js';
import { memoryServices } from '../helpers/memory-services.js';

/** The services' signal with waits that only a signal ends (no re-read timer), counting the waits begun. */
function signalOnly(services: ReturnType<typeof memoryServices>): { signal: AgentDeps['signal']; waiting: () => number } {
  let waiting = 0;
  const signal: AgentDeps['signal'] = {
    notify: (tenant, pool, tasks) => services.signal.notify(tenant, pool, tasks),
    passOn: (tenant, pool, tasks, by) => services.signal.passOn(tenant, pool, tasks, by),
    notifyAgent: (tenant, agentId) => services.signal.notifyAgent(tenant, agentId),
    wait: (tenant, pools, _ms, waiter) => {
      waiting++;
      return services.signal.wait(tenant, pools, 600_000, waiter);
    },
  };
  return { signal, waiting: () => waiting };
}

/** Each test its own tenant, so no test reads another's records. */
let tenants = 0;
const fresh = (): string => `t${++tenants}`;

describe('leasing from the ready set', () => {
  it('leases a PENDING agent-pool task to a capable agent and nothing to an incapable one', async () => {
    const services = memoryServices();
    const deps = memoryAgentDeps(services);
    const tenant = fresh();
    const shell = await registerAgent(deps, tenant, { capabilities: ['shell'] });
    const gpu = await registerAgent(deps, tenant, { capabilities: ['gpu'] });
    const { task } = await submitTask(services, tenant, { type: 'sh', requires: ['shell'] });
    expect(await leaseTasks(deps, tenant, gpu.id, {})).toEqual([]);
    const leased = await leaseTasks(deps, tenant, shell.id, {});
    expect(leased.map((t) => t.id)).toEqual([task.id]);
    expect(await services.task(task.id, tenant)).toMatchObject({ status: 'ACTIVE', worker: shell.id, attempts: 1 });
  });

  it('writes the agent record once per lease call however many tasks it takes: their leases, before it claims them', async () => {
    const services = memoryServices();
    const deps = memoryAgentDeps(services);
    const tenant = fresh();
    const agent = await registerAgent(deps, tenant, { capabilities: ['shell'], capacity: { slots: 3 } });
    for (let i = 0; i < 3; i++) await submitTask(services, tenant, { type: 'sh', requires: ['shell'] });
    const reserve = vi.spyOn(deps.agents, 'reserve');
    const update = vi.spyOn(deps.agents, 'update');
    const leased = await leaseTasks(deps, tenant, agent.id, { max: 3 });
    expect(leased).toHaveLength(3);
    expect([reserve.mock.calls.length, update.mock.calls.length]).toEqual([1, 0]);
    const record = await deps.agents.get(tenant, agent.id);
    expect(Object.keys(record?.leases ?? {}).sort()).toEqual(leased.map((t) => t.id).sort());
    expect(record?.revision).toBe(1);
    // Its slots are spent: the next call takes nothing.
    await submitTask(services, tenant, { type: 'sh', requires: ['shell'] });
    expect(await leaseTasks(deps, tenant, agent.id, { max: 3 })).toEqual([]);
  });

  it('lets two lease calls of one agent that read the same record spend its room once: the second reads again', async () => {
    const services = memoryServices();
    const deps = memoryAgentDeps(services);
    const tenant = fresh();
    const agent = await registerAgent(deps, tenant, { capabilities: ['shell'], capacity: { slots: 2 } });
    for (let i = 0; i < 4; i++) await submitTask(services, tenant, { type: 'sh', requires: ['shell'] });
    const [a, b] = await Promise.all([leaseTasks(deps, tenant, agent.id, { max: 2 }), leaseTasks(deps, tenant, agent.id, { max: 2 })]);
    expect(a!.length + b!.length).toBe(2);
    expect(Object.keys((await deps.agents.get(tenant, agent.id))?.leases ?? {})).toHaveLength(2);
  });

  it('drops a reserved lease it lost to another agent, so the room is its again', async () => {
    const services = memoryServices();
    const deps = memoryAgentDeps(services);
    const tenant = fresh();
    const agent = await registerAgent(deps, tenant, { capabilities: ['shell'], capacity: { slots: 1 } });
    const { task } = await submitTask(services, tenant, { type: 'sh', requires: ['shell'] });
    // Another agent claims it between this call's reserve and its claim.
    const reserve = deps.agents.reserve.bind(deps.agents);
    vi.spyOn(deps.agents, 'reserve').mockImplementationOnce(async (...args) => {
      const ok = await reserve(...args);
      await services.lifecycle.move(tenant, task.id, { type: 'cancel' });
      return ok;
    });
    expect(await leaseTasks(deps, tenant, agent.id, {})).toEqual([]);
    expect((await deps.agents.get(tenant, agent.id))?.leases).toEqual({});
  });

  it("frees a reporting agent's slots by its next lease call's `finished`, in its reserve, and writes nothing to its record when a task ends", async () => {
    const services = memoryServices();
    const deps = memoryAgentDeps(services);
    const tenant = fresh();
    const agent = await registerAgent(deps, tenant, { capabilities: ['shell'], capacity: { slots: 2 } });
    for (let i = 0; i < 4; i++) await submitTask(services, tenant, { type: 'sh', requires: ['shell'] });
    const first = await leaseTasks(deps, tenant, agent.id, { max: 2, finished: [] });
    expect(first).toHaveLength(2);
    const update = vi.spyOn(deps.agents, 'update');
    for (const t of first) await completeTask(deps, tenant, t.id, { leaseToken: t.leaseToken, result: 'ok' });
    expect(update).not.toHaveBeenCalled();
    // Not reported yet: the slots still count as held (never more than the agent has).
    expect(await leaseTasks(deps, tenant, agent.id, { max: 2, finished: [] })).toEqual([]);
    // Reported: freed and filled in the same call, the record holding only the new leases.
    const reserve = vi.spyOn(deps.agents, 'reserve');
    const second = await leaseTasks(deps, tenant, agent.id, { max: 2, finished: first.map((t) => t.id) });
    expect(second).toHaveLength(2);
    expect(reserve).toHaveBeenCalledTimes(1);
    expect(Object.keys((await deps.agents.get(tenant, agent.id))?.leases ?? {}).sort()).toEqual(second.map((t) => t.id).sort());
    expect(update).not.toHaveBeenCalled();
  });

  it('drops the reported leases of a call that takes nothing, in one write', async () => {
    const services = memoryServices();
    const deps = memoryAgentDeps(services);
    const tenant = fresh();
    const agent = await registerAgent(deps, tenant, { capabilities: ['shell'], capacity: { slots: 1 } });
    await submitTask(services, tenant, { type: 'sh', requires: ['shell'] });
    const [t] = await leaseTasks(deps, tenant, agent.id, { finished: [] });
    await completeTask(deps, tenant, t!.id, { leaseToken: t!.leaseToken, result: 'ok' });
    const update = vi.spyOn(deps.agents, 'update');
    expect(await leaseTasks(deps, tenant, agent.id, { finished: [t!.id] })).toEqual([]);
    expect(update).toHaveBeenCalledTimes(1);
    expect((await deps.agents.get(tenant, agent.id))?.leases).toEqual({});
  });

  it('still frees the slot when a task ends for an agent that does not report (no `finished` in its lease calls)', async () => {
    const services = memoryServices();
    const deps = memoryAgentDeps(services);
    const tenant = fresh();
    const agent = await registerAgent(deps, tenant, { capabilities: ['shell'], capacity: { slots: 1 } });
    for (let i = 0; i < 2; i++) await submitTask(services, tenant, { type: 'sh', requires: ['shell'] });
    const [leased] = await leaseTasks(deps, tenant, agent.id, {});
    await completeTask(deps, tenant, leased!.id, { leaseToken: leased!.leaseToken, result: 'ok' });
    expect(await deps.agents.get(tenant, agent.id)).toMatchObject({ leases: {} });
    expect(await leaseTasks(deps, tenant, agent.id, {})).toHaveLength(1);
  });

  it('leaves a task no agent can fit PENDING, untouched, however often agents ask', async () => {
    const services = memoryServices();
    const deps = memoryAgentDeps(services);
    const tenant = fresh();
    const agent = await registerAgent(deps, tenant, { capabilities: ['gpu'], capacity: { slots: 1, gpu: 8 } });
    const { task } = await submitTask(services, tenant, { type: 'big', requires: ['gpu'], resources: { gpu: 4 } });
    const other = await registerAgent(deps, tenant, { capabilities: ['gpu'], capacity: { slots: 1, gpu: 2 } });
    for (let i = 0; i < 200; i++) expect(await leaseTasks(deps, tenant, other.id, {})).toEqual([]);
    expect(await services.task(task.id, tenant)).toMatchObject({ status: 'PENDING', attempts: 0, revision: 0 });
    expect(services.deadLetters.letters).toEqual([]);
    expect((await leaseTasks(deps, tenant, agent.id, {})).map((t) => t.id)).toEqual([task.id]);
  });

  it("never shows one tenant's tasks to another tenant's agents", async () => {
    const services = memoryServices();
    const deps = memoryAgentDeps(services);
    const [a, b] = [fresh(), fresh()];
    const theirs = await registerAgent(deps, b, { capabilities: ['shell'] });
    await submitTask(services, a, { type: 'sh', requires: ['shell'] });
    expect(await leaseTasks(deps, b, theirs.id, {})).toEqual([]);
  });

  it('frees the slot of a cancelled leased task at once', async () => {
    const services = memoryServices();
    const deps = memoryAgentDeps(services);
    const tenant = fresh();
    const agent = await registerAgent(deps, tenant, { capabilities: ['shell'] });
    const first = (await submitTask(services, tenant, { type: 'sh', requires: ['shell'] })).task;
    const second = (await submitTask(services, tenant, { type: 'sh', requires: ['shell'] })).task;
    const [leased] = await leaseTasks(deps, tenant, agent.id, {});
    expect(await leaseTasks(deps, tenant, agent.id, {})).toEqual([]);
    await cancelTask(services, tenant, leased!.id);
    const next = await leaseTasks(deps, tenant, agent.id, {});
    expect(next.map((t) => t.id)).toEqual([leased!.id === first.id ? second.id : first.id]);
    await expect(completeTask(deps, tenant, leased!.id, { leaseToken: leased!.leaseToken, result: 1 })).rejects.toMatchObject({ status: 409 });
  });

  // An agent that reports its ended tasks (`finished`) too: a lease call of it is waiting, so the end writes the record.
  it.each([false, true])("wakes a waiting long poll when one of its agent's leases ends, so the room is used at once (reports ends: %s)", async (reports) => {
    const services = memoryServices();
    // Waits that only a signal ends: the poll below can only answer if the completion wakes it.
    const { signal, waiting } = signalOnly(services);
    const deps = { ...memoryAgentDeps(services), signal };
    const tenant = fresh();
    const agent = await registerAgent(deps, tenant, { capabilities: ['gpu'], capacity: { slots: 2, gpu: 2 } });
    await submitTask(services, tenant, { type: 'big', requires: ['gpu'], resources: { gpu: 2 } });
    const [big] = await leaseTasks(deps, tenant, agent.id, reports ? { finished: [] } : {});
    const small = (await submitTask(services, tenant, { type: 'small', requires: ['gpu'], resources: { gpu: 1 } })).task;
    const poll = leaseTasks(deps, tenant, agent.id, { waitSeconds: 20, ...(reports ? { finished: [] } : {}) });
    await vi.waitFor(() => expect(waiting()).toBeGreaterThan(0), { timeout: 30_000 });
    await completeTask(deps, tenant, big!.id, { leaseToken: big!.leaseToken, result: null });
    expect((await poll).map((t) => t.id)).toEqual([small.id]);
  }, 60_000);

  it('passes a wake it leaves unused on to a waiting poll that takes it (here: the task is held for its affinity owner)', async () => {
    const services = memoryServices();
    const waiting = new Set<string>();
    const wakes: string[] = [];
    // Waits that only a signal ends: the owner's poll can only answer if the first poll passes the wake on.
    const signal: AgentDeps['signal'] = {
      notify: (tenant, pool, tasks) => services.signal.notify(tenant, pool, tasks),
      passOn: (tenant, pool, tasks, by) => services.signal.passOn(tenant, pool, tasks, by),
      notifyAgent: (tenant, agentId) => services.signal.notifyAgent(tenant, agentId),
      wait: async (tenant, pools, _ms, waiter) => {
        waiting.add(waiter.id);
        const woken = await services.signal.wait(tenant, pools, 600_000, waiter);
        if (woken !== undefined) wakes.push(waiter.id);
        return woken;
      },
    };
    const deps = { ...memoryAgentDeps(services), signal, readyView: new ReadyView(0) };
    const tenant = fresh();
    const first = await registerAgent(deps, tenant, { capabilities: ['shell'] });
    const owner = await registerAgent(deps, tenant, { capabilities: ['shell'] });
    const key = Array.from({ length: 100 }, (_, i) => `key-${i}`).find((k) => affinityOwner(k, [first.id, owner.id]) === owner.id) as string;
    const firstPoll = leaseTasks(deps, tenant, first.id, { waitSeconds: 20 });
    await vi.waitFor(() => expect(waiting.has(first.id)).toBe(true), { timeout: 30_000 });
    const ownerPoll = leaseTasks(deps, tenant, owner.id, { waitSeconds: 20 });
    await vi.waitFor(() => expect(waiting.has(owner.id)).toBe(true), { timeout: 30_000 });
    const sticky = (await submitTask(services, tenant, { type: 'sh', requires: ['shell'], affinityKey: key })).task;
    // The longest waiting poll is woken first; it leaves the task to its owner and passes the wake on.
    expect((await ownerPoll).map((t) => t.id)).toEqual([sticky.id]);
    expect(wakes).toEqual([first.id, owner.id]);
    const plain = (await submitTask(services, tenant, { type: 'sh', requires: ['shell'] })).task;
    expect((await firstPoll).map((t) => t.id)).toEqual([plain.id]);
  }, 60_000);

  it("claims the task that woke a waiting poll without reading its agent's record again; two woken polls of one agent still spend its room once", async () => {
    const services = memoryServices();
    const { signal, waiting } = signalOnly(services);
    const deps = { ...memoryAgentDeps(services), signal };
    const tenant = fresh();
    const agent = await registerAgent(deps, tenant, { capabilities: ['shell'], capacity: { slots: 1 } });
    const polls = [leaseTasks(deps, tenant, agent.id, { waitSeconds: 20 }), leaseTasks(deps, tenant, agent.id, { waitSeconds: 20 })];
    await vi.waitFor(() => expect(waiting()).toBe(2), { timeout: 30_000 });
    const get = vi.spyOn(deps.agents, 'get');
    const tasks = [(await submitTask(services, tenant, { type: 'sh', requires: ['shell'] })).task, (await submitTask(services, tenant, { type: 'sh', requires: ['shell'] })).task];
    const [a, b] = await Promise.race([Promise.all(polls), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a woken poll did not answer')), 10_000))]);
    // One slot: one poll claims, the other's reserve finds the record changed, reads it, and has no room left.
    expect([...a!, ...b!].map((t) => t.id)).toHaveLength(1);
    expect(tasks.map((t) => t.id)).toContain([...a!, ...b!][0]?.id);
    expect(get.mock.calls.length).toBeLessThanOrEqual(1);
  }, 60_000);

  it('serves higher priorities first', async () => {
    const services = memoryServices();
    const deps = memoryAgentDeps(services);
    const tenant = fresh();
    const agent = await registerAgent(deps, tenant, { capabilities: ['shell'], capacity: { slots: 3 } });
    const low = (await submitTask(services, tenant, { type: 'sh', requires: ['shell'], priority: 'low' })).task;
    const critical = (await submitTask(services, tenant, { type: 'sh', requires: ['shell'], priority: 'critical' })).task;
    const normal = (await submitTask(services, tenant, { type: 'sh', requires: ['shell'] })).task;
    const [first] = await leaseTasks(deps, tenant, agent.id, { max: 1 });
    expect(first?.id).toBe(critical.id);
    const rest = await leaseTasks(deps, tenant, agent.id, { max: 2 });
    expect(rest.map((t) => t.id)).toEqual([normal.id, low.id]);
  });

  it('lets a heartbeat and a lapsed-lease settle never both win', async () => {
    const services = memoryServices();
    const deps = { ...memoryAgentDeps(services), leaseGraceSeconds: 0 };
    const tenant = fresh();
    const agent = await registerAgent(deps, tenant, { capabilities: ['shell'] });
    const { task } = await submitTask(services, tenant, { type: 'sh', requires: ['shell'], timeoutSeconds: 10 });
    const [leased] = await leaseTasks(deps, tenant, agent.id, {});
    services.advance(11);
    // The lease has lapsed: a heartbeat can no longer revive it...
    await expect(heartbeatTask(deps, tenant, task.id, { leaseToken: leased!.leaseToken })).rejects.toMatchObject({ status: 409 });
    // ...and the sweep settles the lost attempt; the task is leasable again.
    await sweepDue({ ...deps, queries: services.queries, warn: () => undefined });
    expect(await services.task(task.id, tenant)).toMatchObject({ status: 'PENDING', attempts: 1, error: { type: 'AttemptLost' } });
    const [again] = await leaseTasks(deps, tenant, agent.id, {});
    expect(again).toMatchObject({ id: task.id, attempt: 2 });
    await expect(completeTask(deps, tenant, task.id, { leaseToken: leased!.leaseToken, result: 'late' })).rejects.toMatchObject({ status: 409 });
  });
});

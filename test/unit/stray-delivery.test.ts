import { describe, expect, it } from 'vitest';
import { executeDelivery } from '../../shared/services/execute-task.js';
import { submitTask } from '../../shared/services/submit-tasks.js';
import { deliveryOf, memoryExecution } from '../helpers/execution.js';
import { memoryServices } from '../helpers/memory-services.js';

/**
 * The fault run copied queue messages of its first 60 tasks onto a Lambda queue,
 * agent-pool tasks among them; a Lambda worker claimed those and failed them for
 * good ("no handler"): 12 FAILED tasks in every run, whatever its size.
 */
describe('a Lambda worker given a message for an agent-pool task', () => {
  it('drops the message and leaves the task to the agents, unstarted', async () => {
    const services = memoryServices();
    let calls = 0;
    const worker = memoryExecution(services, { 'shell-job': () => void calls++ });
    const { task } = await submitTask(services, 'acme', { type: 'shell-job', requires: ['shell'] });
    expect(task.pool).toBe('shell');

    const outcome = await executeDelivery(worker, deliveryOf(task));

    expect(outcome).toMatchObject({ action: 'delete' });
    expect(calls).toBe(0);
    expect(await services.task(task.id)).toMatchObject({ status: 'PENDING', attempts: 0, revision: 0 });
  });
});

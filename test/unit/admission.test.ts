import { describe, expect, it } from 'vitest';
import { admitTimeout, maxTaskSeconds } from '../../shared/domain/admission.js';
import { PoolLimitError } from '../../shared/errors.js';
import { submitTask, submitTasks } from '../../shared/services/submit-tasks.js';
import { memoryServices } from '../helpers/memory-services.js';

const lambdaPool = { name: 'general', runsOn: 'lambda' as const, workerTimeoutSeconds: 60 };
const agentPool = { name: 'gpu', runsOn: 'agents' as const, workerTimeoutSeconds: 60 };

describe('admitTimeout', () => {
  it('gives a Lambda pool its worker timeout less the worker’s margin', () => {
    expect(maxTaskSeconds(lambdaPool)).toBe(55);
    expect(admitTimeout(lambdaPool, 55, true)).toEqual({ ok: true, timeoutSeconds: 55 });
  });

  it('refuses a longer asked-for timeout on a Lambda pool, naming the pool’s limit', () => {
    expect(admitTimeout(lambdaPool, 56, true)).toEqual({ ok: false, message: 'pool general runs tasks for at most 55 s' });
  });

  it('lowers the default timeout to the Lambda pool’s limit instead of refusing it', () => {
    expect(admitTimeout(lambdaPool, 300, false)).toEqual({ ok: true, timeoutSeconds: 55 });
  });

  it('lets an agent pool run up to the 12 h task limit', () => {
    expect(admitTimeout(agentPool, 43_200, true)).toEqual({ ok: true, timeoutSeconds: 43_200 });
  });
});

describe('submitTask timeouts', () => {
  it('answers 422 for a timeout a Lambda pool cannot honour', async () => {
    const services = memoryServices();
    const error = await submitTask(services, 'acme', { type: 'echo', timeoutSeconds: 600 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PoolLimitError);
    expect(error).toMatchObject({ status: 422, fields: [{ field: 'timeoutSeconds', message: expect.stringMatching(/pool general runs tasks for at most \d+ s/) }] });
    expect(services.queue.sent).toEqual([]);
  });

  it('names the item of a batch whose timeout is refused, and accepts the others', async () => {
    const services = memoryServices();
    const results = await submitTasks(services, 'acme', [{ type: 'echo' }, { type: 'echo', timeoutSeconds: 3600 }], (i) => `tasks.${i}`);
    expect(results[0]).toMatchObject({ ok: true, task: { timeoutSeconds: expect.any(Number) } });
    expect(results[1]).toMatchObject({ ok: false, error: { status: 422, fields: [{ field: 'tasks.1.timeoutSeconds' }] } });
  });

  it('keeps a long timeout on an agent pool', async () => {
    const { task } = await submitTask(memoryServices(), 'acme', { type: 'render', requires: ['gpu'], timeoutSeconds: 7200 });
    expect(task.timeoutSeconds).toBe(7200);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { admit, CLOSED_CIRCUIT, recordFailure, recordSuccess } from '../../sdk/circuit-breaker.js';
import { TaskfleetClient } from '../../sdk/index.js';

type Group = 'tasks' | 'jobs' | 'agents' | 'leases' | 'dlq' | 'limits';

// Each deprecated name → the resource method it delegates to, and arguments to call it with.
const ALIASES: readonly [old: string, group: Group, method: string, args: readonly unknown[]][] = [
  ['submit', 'tasks', 'submit', [{ type: 'echo' }]],
  ['submitBatch', 'tasks', 'submitBatch', [[{ type: 'echo' }]]],
  ['get', 'tasks', 'get', ['t1', { include: 'result' }]],
  ['list', 'tasks', 'list', [{ status: 'FAILED' }]],
  ['listAll', 'tasks', 'listAll', [{ pool: 'p' }]],
  ['cancel', 'tasks', 'cancel', ['t1']],
  ['wait', 'tasks', 'wait', ['t1', { timeoutMs: 5 }]],
  ['submitJob', 'jobs', 'submit', [{ map: { type: 'echo', items: [1] } }]],
  ['getJob', 'jobs', 'get', ['j1', { include: 'result' }]],
  ['cancelJob', 'jobs', 'cancel', ['j1']],
  ['waitForJob', 'jobs', 'wait', ['j1', { intervalMs: 5 }]],
  ['registerWorker', 'agents', 'register', [{ capabilities: ['shell'] }]],
  ['heartbeatWorker', 'agents', 'heartbeat', ['a1', ['t1']]],
  ['lease', 'agents', 'lease', ['a1', { max: 2 }]],
  ['heartbeatTask', 'leases', 'heartbeat', ['t1', 'lt']],
  ['progress', 'leases', 'progress', ['t1', 'lt', 0.5, 'half']],
  ['complete', 'leases', 'complete', ['t1', 'lt', { ok: true }]],
  ['fail', 'leases', 'fail', ['t1', 'lt', 'boom', { retryable: false }]],
  ['deadLetters', 'dlq', 'list', [{ pool: 'p' }]],
  ['redrive', 'dlq', 'redrive', [{ max: 3 }]],
  ['setRateLimit', 'limits', 'set', ['resize', 10, '1s']],
  ['rateLimits', 'limits', 'list', []],
  ['removeRateLimit', 'limits', 'remove', ['resize']],
];

describe('the SDK names', () => {
  it.each(ALIASES)('client.%s still works: it delegates to client.%s.%s', async (old, group, method, args) => {
    const client = new TaskfleetClient({ url: 'http://api', token: 't', fetch: (() => Promise.reject(new Error('no network'))) as unknown as typeof fetch });
    const answer = Symbol('answer');
    const target = vi.spyOn(client[group] as unknown as Record<string, (...a: unknown[]) => unknown>, method).mockReturnValue(answer);
    const result = (client as unknown as Record<string, (...a: unknown[]) => unknown>)[old]!(...args);
    expect(target).toHaveBeenCalledWith(...args);
    expect(result).toBe(answer);
  });

  it('offers schedules and webhooks on the client too', () => {
    const client = new TaskfleetClient({ url: 'http://api/', token: 't' });
    expect(typeof client.schedules.add).toBe('function');
    expect(typeof client.webhooks.create).toBe('function');
    expect(client.url).toBe('http://api');
  });
});

describe("the Worker's own circuit breaker", () => {
  const policy = { failureThreshold: 2, cooldownSeconds: 10 };

  it('opens after the threshold, lets one probe through after the cool-down, and closes on its success', () => {
    const once = recordFailure(CLOSED_CIRCUIT, 0, policy);
    expect(once.status).toBe('CLOSED');
    const open = recordFailure(once, 1000, policy);
    expect(open).toMatchObject({ status: 'OPEN', sinceMs: 1000 });
    expect(admit(open, 5000, policy)).toEqual({ allowed: false, retryAfterSeconds: 6 });
    const probe = admit(open, 11_000, policy);
    expect(probe).toMatchObject({ allowed: true, next: { status: 'HALF_OPEN', sinceMs: 11_000 } });
    if (!probe.allowed) throw new Error('unreachable');
    expect(recordFailure(probe.next, 12_000, policy)).toMatchObject({ status: 'OPEN', sinceMs: 12_000 });
    expect(recordSuccess(probe.next)).toEqual(CLOSED_CIRCUIT);
  });
});

import { describe, expect, it } from 'vitest';
import { DynamoDbReadyTenants } from '../../shared/adapters/dynamodb/dynamodb-ready-tenants.js';
import { MemoryReadyTenants } from '../../shared/adapters/memory/memory-ready-tenants.js';
import { oldestWaitingSeconds } from '../../shared/domain/backlog.js';
import type { Priority } from '../../shared/domain/priority.js';
import type { Task } from '../../shared/domain/task.js';
import type { ReadyTask } from '../../shared/ports/task-queries.js';
import { measureBacklog } from '../../shared/services/measure-backlog.js';
import { consumeStream, type StreamConsumerDeps } from '../../shared/services/stream-consumer.js';

const NOW = new Date('2026-01-01T01:00:00.000Z');
const ago = (seconds: number): string => new Date(NOW.getTime() - seconds * 1000).toISOString();
const ready = (id: string, tenant: string, pool: string, priority: Priority, waited: number): ReadyTask =>
  ({ id, tenant, pool, type: 'x', priority, requires: [], createdAt: ago(waited), readySince: ago(waited), readyKey: `${id}` }) as unknown as ReadyTask;

describe('oldestWaitingSeconds', () => {
  it('takes each priority’s longest wait, 0 where none waits', () => {
    const tasks = [ready('a', 't', 'gpu', 'high', 30), ready('b', 't', 'gpu', 'high', 400), ready('c', 't', 'gpu', 'low', 5)];
    expect(oldestWaitingSeconds(tasks, NOW)).toEqual({ critical: 0, high: 400, normal: 0, low: 5 });
  });
});

describe('measureBacklog', () => {
  it('reads the ready sets of the marked tenants of each agent pool and reports the oldest per priority', async () => {
    const marks = new MemoryReadyTenants();
    await marks.mark([{ tenant: 'acme', pool: 'gpu' }, { tenant: 'globex', pool: 'gpu' }, { tenant: 'acme', pool: 'shell' }], NOW);
    const sets: Record<string, ReadyTask[]> = {
      'acme gpu': [ready('a1', 'acme', 'gpu', 'critical', 45), ready('a2', 'acme', 'gpu', 'normal', 10)],
      'globex gpu': [ready('g1', 'globex', 'gpu', 'critical', 12), ready('g2', 'globex', 'gpu', 'normal', 900)],
    };
    const read: string[] = [];
    const backlogs = await measureBacklog({
      queries: { ready: async (tenant, pool) => (read.push(`${tenant} ${pool}`), sets[`${tenant} ${pool}`] ?? []) },
      readyTenants: marks,
      agentPools: ['gpu', 'shell', 'database'],
      now: () => NOW,
    });
    expect(read.sort()).toEqual(['acme gpu', 'acme shell', 'globex gpu']);
    expect(backlogs).toEqual([
      { pool: 'gpu', oldestSeconds: { critical: 45, high: 0, normal: 900, low: 0 }, tenants: 2, seen: 4 },
      { pool: 'shell', oldestSeconds: { critical: 0, high: 0, normal: 0, low: 0 }, tenants: 1, seen: 0 },
      { pool: 'database', oldestSeconds: { critical: 0, high: 0, normal: 0, low: 0 }, tenants: 0, seen: 0 },
    ]);
  });

  it('renews the mark of a tenant whose work still waits when it would lapse within a day, and lets an idle one lapse', async () => {
    const marks = new MemoryReadyTenants();
    const marked = new Date(NOW.getTime() - 30 * 3600_000); // 30 h ago: lapses in 18 h
    await marks.mark([{ tenant: 'busy', pool: 'gpu' }, { tenant: 'idle', pool: 'gpu' }], marked);
    await measureBacklog({
      queries: { ready: async (tenant) => (tenant === 'busy' ? [ready('b', 'busy', 'gpu', 'low', 100_000)] : []) },
      readyTenants: marks,
      agentPools: ['gpu'],
      now: () => NOW,
    });
    expect(marks.marks.get('gpu')?.get('busy')?.seenAt).toBe(NOW.toISOString());
    expect(marks.marks.get('gpu')?.get('idle')?.seenAt).toBe(marked.toISOString());
    expect((await marks.list('gpu', new Date(NOW.getTime() + 19 * 3600_000))).map((m) => m.tenant)).toEqual(['busy']);
  });
});

describe('the stream consumer’s ready marks', () => {
  const task = (over: Partial<Task>): Task =>
    ({ id: 't', tenant: 'acme', type: 'x', payload: {}, priority: 'normal', requires: [], pool: 'gpu', status: 'PENDING', attempts: 0, maxAttempts: 3, timeoutSeconds: 30, delaySeconds: 0, createdAt: ago(1), updatedAt: ago(1), revision: 0, ...over }) as Task;

  it('marks each tenant × agent pool whose task entered PENDING in the batch, once', async () => {
    const marks = new MemoryReadyTenants();
    const deps: StreamConsumerDeps = {
      publisher: { publish: async () => [] },
      deliveries: { send: async () => [], deadLetter: async () => undefined },
      eventLog: { append: async () => undefined, read: async () => ({ events: [], next: '' }) },
      metrics: { record: () => undefined },
      webhooksOf: async () => [],
      now: () => NOW,
      warn: () => undefined,
      readyTenants: { marks, agentPools: new Set(['gpu']) },
    };
    await consumeStream(deps, [
      { sequenceNumber: '1', change: { kind: 'task', new: task({ id: 'a' }) } },
      { sequenceNumber: '2', change: { kind: 'task', new: task({ id: 'b' }) } },
      { sequenceNumber: '3', change: { kind: 'task', old: task({ id: 'c' }), new: task({ id: 'c', status: 'ACTIVE' }) } },
      { sequenceNumber: '4', change: { kind: 'task', new: task({ id: 'd', tenant: 'globex', pool: 'general' }) } },
    ]);
    expect(marks.writes).toBe(1);
    expect((await marks.list('gpu', NOW)).map((m) => m.tenant)).toEqual(['acme']);
  });
});

describe('DynamoDbReadyTenants', () => {
  it('writes a tenant × pool mark at most every 5 minutes per container, with a two-day TTL', async () => {
    const updates: Record<string, any>[] = [];
    const db = { send: async (command: { input: Record<string, any> }) => void updates.push(command.input) } as never;
    const marks = new DynamoDbReadyTenants(db, 'table');
    await marks.mark([{ tenant: 'acme', pool: 'gpu' }, { tenant: 'acme', pool: 'gpu' }], NOW);
    await marks.mark([{ tenant: 'acme', pool: 'gpu' }], new Date(NOW.getTime() + 4 * 60_000));
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ Key: { pk: 'READY#gpu', sk: 'acme' }, ExpressionAttributeValues: { ':ttl': NOW.getTime() / 1000 + 2 * 24 * 3600 } });
    await marks.mark([{ tenant: 'acme', pool: 'gpu' }], new Date(NOW.getTime() + 5 * 60_000));
    expect(updates).toHaveLength(2);
  });
});

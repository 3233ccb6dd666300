import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { decodeStreamRecord, itemKind } from '../../shared/adapters/dynamodb/stream-records.js';
import { toTaskItem } from '../../shared/adapters/dynamodb/task-item.js';
import { eventsOf, matchesEventType, type TaskfleetEvent } from '../../shared/domain/events.js';
import type { Job } from '../../shared/domain/job.js';
import type { Task } from '../../shared/domain/task.js';
import type { DeliveryMessage } from '../../shared/ports/events.js';
import { consumeStream, type StreamConsumerDeps } from '../../shared/services/stream-consumer.js';
import { MemoryStreamBatches } from '../../shared/adapters/memory/memory-stream-batches.js';
import { HALF_MARK_MIN_RECORDS } from '../../shared/ports/stream-batches.js';
import { MemoryTaskCounters } from '../../shared/adapters/memory/memory-task-counters.js';
import { MemoryValueStore } from '../../shared/adapters/memory/memory-value-store.js';

const task = (over: Partial<Task> = {}): Task => ({
  id: 't1',
  tenant: 'acme',
  type: 'echo',
  payload: { a: 1 },
  priority: 'high',
  requires: [],
  pool: 'general',
  status: 'PENDING',
  attempts: 0,
  maxAttempts: 3,
  timeoutSeconds: 30,
  delaySeconds: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  revision: 0,
  ...over,
});

const job = (over: Partial<Job> = {}): Job => ({
  id: 'j1',
  tenant: 'acme',
  status: 'RUNNING',
  total: 2,
  mapType: 'count-words',
  priority: 'normal',
  requires: [],
  pool: 'general',
  failurePolicy: { maxFailedFraction: 0 },
  childrenEnqueued: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

const types = (events: TaskfleetEvent[]) => events.map((e) => e.type);

describe('eventsOf: task transitions', () => {
  const started = task({ status: 'ACTIVE', attempts: 1, startedAt: '2026-01-01T00:00:02.000Z', updatedAt: '2026-01-01T00:00:02.000Z', revision: 1 });

  it('a new task is created; starting it reports its queue time', () => {
    expect(types(eventsOf({ kind: 'task', new: task() }))).toEqual(['task.created']);
    const [event] = eventsOf({ kind: 'task', old: task(), new: started });
    expect(event).toMatchObject({ type: 'task.started', tenant: 'acme', id: 't1:1:task.started', task: { queueTimeMs: 2000, attempts: 1, pool: 'general', priority: 'high' } });
  });

  it("names each attempt's agent or worker from its start on, so a task's story says where each attempt ran", () => {
    const onAgent = { ...started, worker: 'gpu-box-1' };
    expect(eventsOf({ kind: 'task', old: task(), new: onAgent })[0]?.task?.worker).toBe('gpu-box-1');
    expect(eventsOf({ kind: 'task', old: onAgent, new: { ...onAgent, status: 'COMPLETED' as const, revision: 2 } })[0]?.task?.worker).toBe('gpu-box-1');
    expect(eventsOf({ kind: 'task', new: task() })[0]?.task?.worker).toBeUndefined();
  });

  it('a completed task carries its run time and a small result', () => {
    const done = { ...started, status: 'COMPLETED' as const, result: { ok: true }, finishedAt: '2026-01-01T00:00:05.500Z', revision: 2 };
    const [event] = eventsOf({ kind: 'task', old: started, new: done });
    expect(event).toMatchObject({ type: 'task.completed', task: { runTimeMs: 3500, result: { ok: true }, status: 'COMPLETED' } });
    const big = { ...done, result: 'x'.repeat(5000) };
    expect(eventsOf({ kind: 'task', old: started, new: big })[0]?.task).toMatchObject({ resultOmitted: true });
    expect(eventsOf({ kind: 'task', old: started, new: big })[0]?.task?.result).toBeUndefined();
  });

  it('a failed task is also dead-lettered; a retry, cancel and expiry each have their event', () => {
    const error = { message: 'boom' };
    expect(types(eventsOf({ kind: 'task', old: started, new: { ...started, status: 'FAILED', error } }))).toEqual(['task.failed', 'task.dead_lettered']);
    expect(eventsOf({ kind: 'task', old: started, new: { ...started, status: 'PENDING', error } })[0]).toMatchObject({ type: 'task.retrying', task: { error } });
    expect(types(eventsOf({ kind: 'task', old: task(), new: task({ status: 'CANCELLED' }) }))).toEqual(['task.cancelled']);
    expect(types(eventsOf({ kind: 'task', old: task(), new: task({ status: 'EXPIRED' }) }))).toEqual(['task.expired']);
  });

  it('progress, heartbeats and TTL deletions make no event', () => {
    expect(eventsOf({ kind: 'task', old: started, new: { ...started, progress: { fraction: 0.5 }, revision: 5 } })).toEqual([]);
    expect(eventsOf({ kind: 'task', old: started })).toEqual([]);
  });
});

describe('eventsOf: jobs', () => {
  it('reports creation, reducing and the outcome', () => {
    expect(types(eventsOf({ kind: 'job', new: job() }))).toEqual(['job.created']);
    expect(types(eventsOf({ kind: 'job', old: job(), new: job({ status: 'REDUCING' }) }))).toEqual(['job.reducing']);
    const [done] = eventsOf({ kind: 'job', old: job({ status: 'REDUCING' }), new: job({ status: 'COMPLETED', finishedAt: '2026-01-01T00:01:00.000Z' }) });
    expect(done).toMatchObject({ type: 'job.completed', job: { id: 'j1', total: 2, runTimeMs: 60_000 } });
  });
});

describe('matchesEventType', () => {
  it('matches exact types, a family and everything', () => {
    expect(matchesEventType(['task.completed'], 'task.completed')).toBe(true);
    expect(matchesEventType(['task.completed'], 'task.failed')).toBe(false);
    expect(matchesEventType(['job.*'], 'job.failed')).toBe(true);
    expect(matchesEventType(['job.*'], 'task.failed')).toBe(false);
    expect(matchesEventType(['*'], 'task.expired')).toBe(true);
  });
});

describe('stream records', () => {
  it('recognises tasks, jobs and circuits and decodes them with the stores’ decoders', () => {
    const item = toTaskItem(task({ status: 'ACTIVE' }));
    expect(itemKind(item)).toBe('task');
    expect(itemKind({ pk: 'acme#task#t1', sk: 'task' })).toBe('task');
    expect(itemKind({ pk: 'acme#tasks#07', sk: 'task#019b76da-a800-7417-a85f-cf40616f3922' })).toBe('task');
    expect(itemKind({ pk: 'acme#tasks#07', sk: 'other#1' })).toBe('other');
    expect(itemKind({ pk: 'acme#task#t1', sk: 'x' })).toBe('other');
    expect(itemKind({ pk: 'acme#job#j1', sk: 'job' })).toBe('job');
    expect(itemKind({ pk: 'acme#job#j1', sk: 'count#01' })).toBe('other');
    expect(itemKind({ pk: 'CIRCUIT#general', sk: 'CIRCUIT#acme#resize' })).toBe('circuit');
    expect(itemKind({ pk: 'TOKEN#abc', sk: 'TOKEN' })).toBe('other');
    const decoded = decodeStreamRecord(marshall(toTaskItem(task()), { removeUndefinedValues: true }), marshall(item, { removeUndefinedValues: true }));
    expect(decoded).toMatchObject({ kind: 'task', old: { status: 'PENDING', payload: { a: 1 } }, new: { status: 'ACTIVE' } });
    expect(decodeStreamRecord(undefined, marshall({ pk: 'CIRCUIT#gpu', sk: 'CIRCUIT#acme#render', pool: 'gpu', tenant: 'acme', type: 'render', status: 'OPEN' }))).toEqual({ kind: 'circuit', pool: 'gpu', to: 'OPEN' });
  });
});

describe('consumeStream', () => {
  function deps(options: { failPublishAt?: number } = {}) {
    const published: TaskfleetEvent[] = [];
    const queued: DeliveryMessage[] = [];
    const logged: TaskfleetEvent[] = [];
    const d: StreamConsumerDeps = {
      publisher: {
        publish: async (events) => {
          published.push(...events);
          return events.flatMap((e, i) => (options.failPublishAt !== undefined && e.task?.id === `t${options.failPublishAt}` ? [i] : []));
        },
      },
      deliveries: { send: async (m) => (queued.push(...m), []), deadLetter: async () => undefined },
      eventLog: { append: async (_t, events) => void logged.push(...events), read: async () => ({ events: [], next: '' }) },
      metrics: { record: () => undefined },
      webhooksOf: async (tenant) =>
        tenant === 'acme' ? [{ id: 'wh1', tenant, url: 'https://example.com', events: ['task.completed'], secret: 's', createdAt: '' }] : [],
      now: () => new Date('2026-01-01T00:00:10.000Z'),
      warn: () => undefined,
    };
    return { d, published, queued, logged };
  }
  const change = (n: number, tenant = 'acme') => ({
    sequenceNumber: String(100 + n),
    change: { kind: 'task' as const, old: task({ id: `t${n}`, tenant, status: 'ACTIVE' }), new: task({ id: `t${n}`, tenant, status: 'COMPLETED' }) },
  });

  it('publishes every event, queues one delivery per matching webhook and logs per tenant', async () => {
    const { d, published, queued, logged } = deps();
    const result = await consumeStream(d, [change(1), change(2, 'globex'), { sequenceNumber: '200', change: { kind: 'other' } }]);
    expect(result).toEqual({});
    expect(published.map((e) => e.task?.id)).toEqual(['t1', 't2']);
    expect(queued).toEqual([expect.objectContaining({ tenant: 'acme', webhookId: 'wh1', attempt: 1 })]);
    expect(logged.map((e) => e.tenant).sort()).toEqual(['acme', 'globex']);
  });

  it('resumes at the first record whose events were not published', async () => {
    const { d } = deps({ failPublishAt: 2 });
    expect(await consumeStream(d, [change(1), change(2), change(3)])).toEqual({ retryFrom: '102' });
  });
});

describe('consumeStream, the same batch delivered again (at-least-once)', () => {
  const record = (n: number, status: Task['status'] = 'COMPLETED') => ({
    sequenceNumber: String(1000 + n),
    eventId: `e${n}`,
    change: { kind: 'task' as const, old: task({ id: `t${n}`, status: 'ACTIVE' }), new: task({ id: `t${n}`, status }) },
  });
  function deps() {
    const counters = new MemoryTaskCounters();
    const batches = new MemoryStreamBatches(counters);
    const logged: { at: string; ids: string[] }[] = [];
    let clock = Date.parse('2026-01-01T00:00:10.000Z');
    const d: StreamConsumerDeps = {
      publisher: { publish: async () => [] },
      deliveries: { send: async () => [], deadLetter: async () => undefined },
      eventLog: { append: async (_t, events, now) => void logged.push({ at: now.toISOString(), ids: events.map((e) => e.id) }), read: async () => ({ events: [], next: '' }) },
      metrics: { record: () => undefined },
      webhooksOf: async () => [],
      now: () => new Date((clock += 1000)),
      warn: () => undefined,
      counters,
      batches,
    };
    return { d, counters, logged };
  }

  it('applies its counts once and writes its log items under the same keys', async () => {
    const { d, counters, logged } = deps();
    const batch = [record(1), record(2), record(3)];
    await consumeStream(d, batch);
    await consumeStream(d, batch);
    expect((await counters.read('acme')).COMPLETED).toBe(3);
    expect((await counters.read('acme')).ACTIVE).toBe(-3);
    // The second delivery found the batch counted: nothing sent or logged again.
    expect(logged).toHaveLength(1);
  });

  it('counts only the records an earlier, cut-short delivery did not', async () => {
    const { d, counters, logged } = deps();
    const first = [record(1), record(2)];
    await consumeStream(d, first);
    // Delivered again with more records gathered: only the new one counts, under the first delivery's clock.
    await consumeStream(d, [...first, record(3)]);
    expect((await counters.read('acme')).COMPLETED).toBe(3);
    expect(logged.map((l) => l.ids)).toEqual([['t1:0:task.completed', 't2:0:task.completed'], ['t3:0:task.completed']]);
    expect(logged[1]?.at).toBe(logged[0]?.at);
  });

  it('knows both halves of a bisection that follows a timeout after the counts were written', async () => {
    const { d, counters, logged } = deps();
    const batch = Array.from({ length: HALF_MARK_MIN_RECORDS + 1 }, (_, i) => record(i + 1));
    const half = Math.ceil(batch.length / 2);
    await consumeStream(d, batch);
    // The invocation timed out after counting: the mapping retries the batch in halves.
    await consumeStream(d, batch.slice(0, half));
    await consumeStream(d, batch.slice(half));
    expect((await counters.read('acme')).COMPLETED).toBe(batch.length);
    expect(logged).toHaveLength(1);
  });

  it('leaves the second half unmarked when the count stopped short of it', async () => {
    const { d, counters } = deps();
    const batch = Array.from({ length: 2 * HALF_MARK_MIN_RECORDS }, (_, i) => record(i + 1));
    await consumeStream(d, batch.slice(0, HALF_MARK_MIN_RECORDS));
    // Its first half only was counted: the second half, delivered on its own, counts.
    await consumeStream(d, batch.slice(HALF_MARK_MIN_RECORDS));
    expect((await counters.read('acme')).COMPLETED).toBe(batch.length);
  });
});

describe('consumeStream, values of removed task records', () => {
  it('deletes the object of an expired record unless its next stage still holds it', async () => {
    const values = new MemoryValueStore();
    const own = await values.put('acme', 't1', 'payload', '"x"');
    const shared = await values.put('acme', 't1', 'result', '"y"');
    const stage = task({ id: 't1~then', payloadRef: shared });
    const d: StreamConsumerDeps = {
      publisher: { publish: async () => [] },
      deliveries: { send: async () => [], deadLetter: async () => undefined },
      eventLog: { append: async () => undefined, read: async () => ({ events: [], next: '' }) },
      metrics: { record: () => undefined },
      webhooksOf: async () => [],
      now: () => new Date(),
      warn: () => undefined,
      values: { values, records: { get: async (_tenant, id) => (id === stage.id ? stage : undefined) } },
    };
    const removed = { sequenceNumber: '1', change: { kind: 'task' as const, old: task({ id: 't1', status: 'COMPLETED', payloadRef: own, resultRef: shared }) } };
    expect(await consumeStream(d, [removed])).toEqual({});
    expect(values.objects.has(own.key)).toBe(false);
    expect(values.objects.has(shared.key)).toBe(true);
  });
});

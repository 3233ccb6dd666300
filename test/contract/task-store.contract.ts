import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import { withDispatch } from '../../shared/domain/dispatch.js';
import { transition } from '../../shared/domain/state-machine.js';
import { newTask, type Task } from '../../shared/domain/task.js';
import type { ListTasksQuery, TaskQueries } from '../../shared/ports/task-queries.js';
import { listPages } from '../helpers/list-pages.js';
import type { TaskRecords } from '../../shared/ports/task-records.js';

export interface TaskStoreUnderTest {
  readonly records: TaskRecords;
  readonly queries: TaskQueries;
}

const at = new Date('2026-03-01T10:00:00.000Z');
const later = (seconds: number): Date => new Date(at.getTime() + seconds * 1000);

function task(id: string, overrides: Partial<Task> = {}, created = at): Task {
  return {
    ...newTask({ type: 'echo', payload: { id }, priority: 'normal', requires: [], maxAttempts: 3, timeoutSeconds: 30, delaySeconds: 0 }, { id, tenant: 'acme', pool: 'general', now: created }),
    ...overrides,
  };
}

/**
 * One suite for every TaskRecords + TaskQueries adapter (memory, DynamoDB): what
 * the lifecycle relies on, including the cases where the adapters once differed.
 */
export function taskStoreContract(name: string, open: () => Promise<TaskStoreUnderTest>): void {
  describe(`task store contract: ${name}`, () => {
    let store: TaskStoreUnderTest;
    beforeEach(async () => {
      store = await open();
    });

    it('writes a new task once: the same id again is a conflict, not an overwrite', async () => {
      expect(await store.records.commit({ after: task('a') })).toEqual({ status: 'ok' });
      expect(await store.records.commit({ after: task('a', { type: 'other' }) })).toEqual({ status: 'conflict', reason: 'id-taken' });
      expect(await store.records.get('acme', 'a')).toMatchObject({ type: 'echo', payload: { id: 'a' } });
    });

    it('keeps ids per tenant: two tenants may own the same id', async () => {
      await store.records.commit({ after: task('uni-1') });
      expect(await store.records.commit({ after: task('uni-1', { tenant: 'globex' }) })).toEqual({ status: 'ok' });
      expect(await store.records.get('globex', 'uni-1')).toMatchObject({ tenant: 'globex' });
      expect(await store.records.get('nobody', 'uni-1')).toBeUndefined();
    });

    it('serves a half-price read (latest: false) of a task and of several, as the latest read does once written', async () => {
      await store.records.commit({ after: task('early-1') });
      await store.records.commit({ after: task('early-2') });
      // Here each read happens after its write settled; a lagging replica may answer an earlier version, never a later one.
      expect((await store.records.get('acme', 'early-1', { latest: false }))?.id).toBe('early-1');
      expect((await store.records.getMany('acme', ['early-2', 'early-1', 'none'], { latest: false })).map((t) => t.id)).toEqual(['early-2', 'early-1']);
    });

    it('answers a used idempotency key with the task that used it', async () => {
      await store.records.commit({ after: task('first', { idempotencyKey: 'k' }) });
      expect(await store.records.commit({ after: task('second', { idempotencyKey: 'k' }) })).toEqual({ status: 'conflict', reason: 'key-taken', taskId: 'first' });
      expect(await store.records.idempotent('acme', 'k')).toBe('first');
      expect(await store.records.idempotent('globex', 'k')).toBeUndefined();
      expect(await store.records.get('acme', 'second')).toBeUndefined();
    });

    it('applies an update only over the revision it read: the second of two writers loses the race', async () => {
      const created = task('r');
      await store.records.commit({ after: created });
      const started = transition(created, { type: 'start', worker: 'w1', leaseExpiresAt: later(60).toISOString() }, at);
      const cancelled = transition(created, { type: 'cancel' }, at);
      expect(await store.records.commit({ before: created, after: started })).toEqual({ status: 'ok' });
      expect(await store.records.commit({ before: created, after: cancelled })).toEqual({ status: 'lost-race' });
      expect(await store.records.get('acme', 'r')).toMatchObject({ status: 'ACTIVE', worker: 'w1', revision: 1 });
    });

    it('a next stage whose id a task already holds is a conflict for the stage, never a failed completion', async () => {
      const parent = { ...task('x'), status: 'ACTIVE' as const, attempts: 1 };
      await store.records.commit({ after: parent });
      await store.records.commit({ after: task('x~then') });
      const done = transition(parent, { type: 'complete', result: 1 }, at);
      expect(await store.records.commit({ before: parent, after: done })).toEqual({ status: 'ok' });
      expect(await store.records.commit({ after: task('x~then') })).toEqual({ status: 'conflict', reason: 'id-taken' });
    });

    it("commits a job child's final transition once: a second writer at the same revision loses", async () => {
      const child = { ...task('j~0', { job: { id: 'j', role: 'map', index: 0 } }), status: 'ACTIVE' as const, attempts: 1 };
      await store.records.commit({ after: child });
      const done = transition(child, { type: 'complete', result: 1 }, at);
      expect(await store.records.commit({ before: child, after: done })).toEqual({ status: 'ok' });
      expect(await store.records.commit({ before: child, after: done })).toEqual({ status: 'lost-race' });
    });

    it('keeps large JSON exactly (numbers, empty keys, unicode)', async () => {
      const payload = { '': 1, big: 12345678901234567890123456789012345678901234567890, s: 'é\u0000𝄞', deep: [[[{}]]] };
      await store.records.commit({ after: task('json', { payload }) });
      expect((await store.records.get('acme', 'json'))?.payload).toEqual(payload);
    });

    // Ids as the service makes them (UUIDv7, which the DynamoDB table lists itself) and
    // as it made them before (any other string, listed through the `list` index).
    const idStyles: Record<string, (name: string, created: Date) => string> = {
      'UUIDv7 ids': (_name, created) => uuidv7({ msecs: created.getTime() }),
      'older ids': (name) => name,
    };
    for (const [style, idOf] of Object.entries(idStyles)) {
      it(`lists a tenant newest first, paged by cursor, filtered by status, pool and type (${style})`, async () => {
        const names = new Map<string, string>();
        const ids = new Map<string, string>();
        const named = (name: string, overrides: Partial<Task>, created: Date): Task => {
          const id = idOf(name, created);
          names.set(id, name);
          ids.set(name, id);
          return task(id, overrides, created);
        };
        const all = async (query: Omit<ListTasksQuery, 'tenant' | 'cursor'>): Promise<string[]> =>
          (await listPages(store.queries, { tenant: 'acme', ...query })).flat().map((t) => names.get(t.id) ?? t.id);
        for (let i = 0; i < 7; i++) await store.records.commit({ after: named(`l${i}`, { type: i % 2 === 0 ? 'even' : 'odd' }, later(i)) });
        await store.records.commit({ after: named('other-tenant', { tenant: 'globex' }, later(99)) });
        expect(await all({ limit: 3 })).toEqual(['l6', 'l5', 'l4', 'l3', 'l2', 'l1', 'l0']);
        expect(await all({ limit: 2, order: 'asc' })).toEqual(['l0', 'l1', 'l2', 'l3', 'l4', 'l5', 'l6']);
        expect(await all({ limit: 2, type: 'odd' })).toEqual(['l5', 'l3', 'l1']);
        const evens = await store.queries.list({ tenant: 'acme', limit: 10, type: 'even', order: 'asc' });
        expect(evens.items.map((t) => names.get(t.id))).toEqual(['l0', 'l2', 'l4', 'l6']);
        const l1 = (await store.records.get('acme', ids.get('l1') ?? '')) as Task;
        await store.records.commit({ before: l1, after: transition(l1, { type: 'cancel' }, at) });
        expect((await store.queries.list({ tenant: 'acme', limit: 10, status: 'CANCELLED' })).items.map((t) => names.get(t.id))).toEqual(['l1']);
        expect(await all({ limit: 4, status: 'PENDING' })).toEqual(['l6', 'l5', 'l4', 'l3', 'l2', 'l0']);
      });
    }

    it('shows a ready set in sort-key order, per tenant and pool, and drops a task from it once claimed', async () => {
      const agentTask = (id: string, priority: Task['priority'], created: Date): Task =>
        withDispatch(undefined, task(id, { pool: 'gpu', priority }, created), { runsOn: 'agents', now: created });
      await store.records.commit({ after: agentTask('low', 'low', at) });
      await store.records.commit({ after: agentTask('crit', 'critical', later(5)) });
      await store.records.commit({ after: { ...agentTask('theirs', 'critical', at), tenant: 'globex' } });
      const ready = await store.queries.ready('acme', 'gpu', 5);
      expect(ready.map((t) => t.id)).toEqual(['crit', 'low']);
      expect(ready[0]).toMatchObject({ priority: 'critical', requires: [], readySince: later(5).toISOString() });

      const crit = (await store.records.get('acme', 'crit')) as Task;
      const started = withDispatch(crit, transition(crit, { type: 'start', worker: 'a', leaseExpiresAt: later(60).toISOString(), lease: { token: 't' } }, at), { runsOn: 'agents', now: at });
      await store.records.commit({ before: crit, after: started });
      expect((await store.queries.ready('acme', 'gpu', 5)).map((t) => t.id)).toEqual(['low']);
      expect((await store.records.get('acme', 'crit'))?.ready).toBeUndefined();
    });

    it('finds due timers of one kind, oldest first, and forgets cleared ones', async () => {
      await store.records.commit({ after: task('d1', { due: { kind: 'delay', at: later(10).toISOString() } }) });
      await store.records.commit({ after: task('d2', { due: { kind: 'delay', at: later(5).toISOString() } }) });
      await store.records.commit({ after: task('d3', { due: { kind: 'delay', at: later(500).toISOString() } }) });
      await store.records.commit({ after: task('f1', { due: { kind: 'follow', at: later(1).toISOString() } }) });
      expect((await store.queries.due('delay', later(60), 10)).map((d) => d.id)).toEqual(['d2', 'd1']);
      const d2 = (await store.records.get('acme', 'd2')) as Task;
      const { due: _due, ...cleared } = d2;
      await store.records.commit({ before: d2, after: { ...cleared, revision: d2.revision + 1 } });
      expect((await store.queries.due('delay', later(60), 10)).map((d) => d.id)).toEqual(['d1']);
    });
  });
}

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { contractTable } from '../helpers/contract-table.js';
import { listPages } from '../helpers/list-pages.js';
import { DynamoDbTaskQueries } from '../../shared/adapters/dynamodb/dynamodb-task-queries.js';
import { DynamoDbTaskRecords } from '../../shared/adapters/dynamodb/dynamodb-task-records.js';
import { itemKind } from '../../shared/adapters/dynamodb/stream-records.js';
import { taskKey } from '../../shared/adapters/dynamodb/task-item.js';
import { MemoryTaskTable } from '../../shared/adapters/memory/memory-task-table.js';
import { transition } from '../../shared/domain/state-machine.js';
import { newTask, type Task } from '../../shared/domain/task.js';
import type { ListTasksQuery } from '../../shared/ports/task-queries.js';
import { taskStoreContract } from './task-store.contract.js';

taskStoreContract('memory', async () => {
  const table = new MemoryTaskTable();
  return { records: table, queries: table };
});

taskStoreContract('DynamoDB', async () => {
  const { db, tableName } = await contractTable();
  return { records: new DynamoDbTaskRecords(db, tableName), queries: new DynamoDbTaskQueries(db, tableName) };
});

const start = Date.parse('2026-03-01T10:00:00.000Z');
const task = (id: string, createdMs: number): Task =>
  newTask({ type: 'echo', payload: { id }, priority: 'normal', requires: [], maxAttempts: 3, timeoutSeconds: 30, delaySeconds: 0 }, { id, tenant: 'acme', pool: 'general', now: new Date(createdMs) });

describe('DynamoDB: tasks written before the table listed them', () => {
  it('keeps older tasks where they are, readable and writable, and lists them after (or, ascending, before) the newer ones', async () => {
    const { db, tableName } = await contractTable();
    const records = new DynamoDbTaskRecords(db, tableName);
    const queries = new DynamoDbTaskQueries(db, tableName);
    const older = Array.from({ length: 5 }, (_, n) => task(`0f1e2d3c-0000-4000-8000-00000000000${n}`, start + n * 1000));
    const newer = Array.from({ length: 5 }, (_, n) => task(uuidv7({ msecs: start + 60_000 + n * 1000 }), start + 60_000 + n * 1000));
    for (const t of [...older, ...newer]) expect(await records.commit({ after: t })).toEqual({ status: 'ok' });

    const raw = async (t: Task): Promise<Record<string, unknown>> => (await db.send(new GetCommand({ TableName: tableName, Key: taskKey('acme', t.id) }))).Item ?? {};
    const [oldItem, newItem] = [await raw(older[0] as Task), await raw(newer[0] as Task)];
    expect(oldItem).toMatchObject({ pk: `acme#task#${older[0]?.id}`, sk: 'task', lpk: expect.stringMatching(/^acme#tasks#\d\d$/) });
    expect(newItem).toMatchObject({ pk: expect.stringMatching(/^acme#tasks#\d\d$/), sk: `task#${newer[0]?.id}` });
    expect(newItem.lpk).toBeUndefined();
    expect([itemKind(oldItem), itemKind(newItem)]).toEqual(['task', 'task']);

    const all = async (query: Omit<ListTasksQuery, 'tenant' | 'cursor'>): Promise<string[]> =>
      (await listPages(queries, { tenant: 'acme', ...query })).flat().map((t) => t.id);
    const ascending = [...older, ...newer].map((t) => t.id);
    for (const limit of [1, 3, 5, 10, 11]) {
      expect(await all({ limit })).toEqual([...ascending].reverse());
      expect(await all({ limit, order: 'asc' })).toEqual(ascending);
    }

    // An older task still moves through its life at its own key; the status index lists both kinds.
    for (const t of [older[2], newer[2]] as Task[]) {
      const before = (await records.get('acme', t.id)) as Task;
      expect(await records.commit({ before, after: transition(before, { type: 'cancel' }, new Date(start + 120_000)) })).toEqual({ status: 'ok' });
    }
    expect((await queries.list({ tenant: 'acme', limit: 10, status: 'CANCELLED' })).items.map((t) => t.id)).toEqual([newer[2]?.id, older[2]?.id]);
    expect(await all({ limit: 3, status: 'PENDING' })).toEqual([...ascending].reverse().filter((id) => id !== older[2]?.id && id !== newer[2]?.id));
  });

  it('pages through many tasks across the shards in creation order, whatever the page size', async () => {
    const { db, tableName } = await contractTable();
    const records = new DynamoDbTaskRecords(db, tableName);
    const queries = new DynamoDbTaskQueries(db, tableName);
    const tasks = Array.from({ length: 60 }, (_, n) => task(uuidv7({ msecs: start + n * 37 }), start + n * 37));
    await records.insertMany(tasks);
    const ids = tasks.map((t) => t.id);
    for (const limit of [4, 17, 100]) {
      const pages = await listPages(queries, { tenant: 'acme', limit, order: 'asc' });
      for (const page of pages) expect(page.length).toBeLessThanOrEqual(limit);
      expect(pages.flat().map((t) => t.id)).toEqual(ids);
    }
  });
});

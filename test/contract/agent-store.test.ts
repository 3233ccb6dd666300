import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { asItem, itemSize } from '../../bench/cost/item-size.js';
import type { Agent } from '../../shared/domain/agent.js';
import { DynamoDbAgentStore } from '../../shared/adapters/dynamodb/dynamodb-agent-store.js';
import { MemoryAgentStore } from '../../shared/adapters/memory/memory-agent-store.js';
import { contractTable } from '../helpers/contract-table.js';
import { agentStoreContract } from './agent-store.contract.js';

agentStoreContract('memory', async () => new MemoryAgentStore());

// One table for the file: each test has its own tenants (or agent ids).
let table: ReturnType<typeof contractTable> | undefined;
const fileTable = (): ReturnType<typeof contractTable> => (table ??= contractTable());

agentStoreContract('DynamoDB', async () => {
  const { db, tableName } = await fileTable();
  return new DynamoDbAgentStore(db, tableName);
});

describe('DynamoDB agent store: the stored lease entries', () => {
  const open = async (): Promise<{ store: DynamoDbAgentStore; db: DynamoDBDocumentClient; tableName: string }> => {
    const { db, tableName } = await fileTable();
    return { store: new DynamoDbAgentStore(db, tableName), db, tableName };
  };
  const agent = (id: string): Agent => ({
    id, tenant: 'acme', capabilities: ['shell'], capacity: { slots: 8 }, weight: 1, labels: {},
    registeredAt: '2026-03-01T10:00:00.000Z', lastSeenAt: '2026-03-01T10:00:00.000Z', leases: {}, revision: 0,
  });

  it('reads an entry written as {checkAt} (before the short form) as the same lease, and moves its check', async () => {
    const { store, db, tableName } = await open();
    await store.create(agent('old'));
    await db.send(new UpdateCommand({ TableName: tableName, Key: { pk: 'acme#agent#old', sk: 'agent' }, UpdateExpression: 'SET leases.#t = :e', ExpressionAttributeNames: { '#t': 'task-1' }, ExpressionAttributeValues: { ':e': { checkAt: '2026-03-01T10:01:30.000Z' } } }));
    expect((await store.get('acme', 'old'))?.leases).toEqual({ 'task-1': { taskId: 'task-1', checkAt: '2026-03-01T10:01:30.000Z' } });
    await store.recheck('acme', 'old', 'task-1', '2026-03-01T10:03:00.000Z');
    expect((await store.get('acme', 'old'))?.leases['task-1']?.checkAt).toBe('2026-03-01T10:03:00.000Z');
  });

  it('keeps an agent of eight slots holding eight leases within the kilobyte one write unit buys', async () => {
    const { store, db, tableName } = await open();
    const eight = { ...agent(randomUUID()), tenant: 'a-tenant-name' };
    await store.create(eight);
    const leases = Array.from({ length: 8 }, () => ({ taskId: randomUUID(), checkAt: '2026-03-01T10:01:30.123Z' }));
    expect(await store.reserve(eight, leases, [], new Date('2026-03-01T10:00:00.000Z'))).toBe(true);
    await store.update(eight.tenant, eight.id, { waitingUntil: new Date('2026-03-01T10:00:20.000Z') });
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: { pk: `${eight.tenant}#agent#${eight.id}`, sk: 'agent' } }));
    expect(itemSize(asItem(Item))).toBeLessThanOrEqual(1024);
  });
});


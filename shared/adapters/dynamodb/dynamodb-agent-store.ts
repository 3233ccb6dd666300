import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Agent } from '../../domain/agent.js';
import type { HeldLease } from '../../domain/leasing.js';
import type { AgentStore } from '../../ports/agent-store.js';
import { tenantKey } from '../../topology/keys.js';
import { TABLE } from '../../topology/table.js';
import { batchGetItems } from './batch-get.js';
import { queryPages } from './query-pages.js';

/**
 * Agents are items `<tenant>#agent#<id>` / `agent`. Their leases are a map
 * attribute updated one key at a time (`SET leases.#task` / `REMOVE leases.#task`),
 * so a completion never overwrites a lease granted at the same moment. A tenant's
 * agents are listed through the `list` index under `<tenant>#agents`, whose keys
 * never change, so heartbeats write no index entry.
 */
const agentKey = (tenant: string, id: string): Record<string, string> => ({
  [TABLE.partitionKey]: tenantKey(tenant, 'agent', id),
  [TABLE.sortKey]: 'agent',
});

export class DynamoDbAgentStore implements AgentStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(agent: Agent): Promise<void> {
    const { list } = TABLE.indexes;
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...agentKey(agent.tenant, agent.id), ...agent, [list.partitionKey]: `${agent.tenant}#agents`, [list.sortKey]: `${agent.registeredAt}#${agent.id}` },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      }),
    );
  }

  async get(tenant: string, id: string): Promise<Agent | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: agentKey(tenant, id), ConsistentRead: true }));
    return Item === undefined ? undefined : fromItem(Item);
  }

  async list(tenant: string): Promise<readonly Agent[]> {
    const { list } = TABLE.indexes;
    const ids: string[] = [];
    const pages = queryPages(this.db, {
      TableName: this.tableName,
      IndexName: list.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': list.partitionKey },
      ExpressionAttributeValues: { ':pk': `${tenant}#agents` },
    });
    for await (const page of pages) for (const item of page.Items ?? []) ids.push(String(item.id));
    // Unprocessed keys are asked again (before, an agent throttled out of the answer went missing from the list).
    const agents = (await batchGetItems(this.db, this.tableName, ids.map((id) => agentKey(tenant, id)))).map(fromItem);
    return agents.sort((a, b) => a.registeredAt.localeCompare(b.registeredAt) || a.id.localeCompare(b.id));
  }

  async touch(tenant: string, id: string, now: Date): Promise<void> {
    await this.update(tenant, id, 'SET lastSeenAt = :now', {}, { ':now': now.toISOString() });
  }

  async isLeasing(tenant: string, id: string): Promise<boolean> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: agentKey(tenant, id), ConsistentRead: true, ProjectionExpression: 'leasing' }));
    return Item?.leasing !== undefined;
  }

  async lock(tenant: string, id: string, now: Date, staleMs: number): Promise<boolean> {
    try {
      await this.update(
        tenant,
        id,
        'SET leasing = :now, lastSeenAt = :seen',
        {},
        { ':now': now.getTime(), ':stale': now.getTime() - staleMs, ':seen': now.toISOString() },
        'attribute_not_exists(leasing) OR leasing < :stale',
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async unlock(tenant: string, id: string, taken: readonly HeldLease[] = [], ended: readonly string[] = []): Promise<void> {
    // One UpdateItem: `SET leases.#t0 = :t0, … REMOVE leasing, leases.#e0, …` (task ids are names, never parsed as paths).
    const takenIds = new Set(taken.map((l) => l.taskId));
    const gone = ended.filter((taskId) => !takenIds.has(taskId));
    const names = { ...Object.fromEntries(taken.map((l, i) => [`#t${i}`, l.taskId])), ...Object.fromEntries(gone.map((taskId, i) => [`#e${i}`, taskId])) };
    const values = Object.fromEntries(taken.map((l, i) => [`:t${i}`, l]));
    const set = taken.length === 0 ? '' : `SET ${taken.map((_, i) => `leases.#t${i} = :t${i}`).join(', ')} `;
    await this.update(tenant, id, `${set}REMOVE ${['leasing', ...gone.map((_, i) => `leases.#e${i}`)].join(', ')}`, names, values);
  }

  async addLease(tenant: string, id: string, lease: HeldLease): Promise<void> {
    await this.update(tenant, id, 'SET leases.#task = :lease', { '#task': lease.taskId }, { ':lease': lease });
  }

  async removeLease(tenant: string, id: string, taskId: string): Promise<void> {
    await this.update(tenant, id, 'REMOVE leases.#task', { '#task': taskId });
  }

  /** An update of an agent that exists. */
  private async update(
    tenant: string,
    id: string,
    expression: string,
    names: Record<string, string> = {},
    values: Record<string, unknown> = {},
    condition?: string,
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: agentKey(tenant, id),
        UpdateExpression: expression,
        ConditionExpression: `attribute_exists(#pk)${condition ? ` AND (${condition})` : ''}`,
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, ...names },
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      }),
    );
  }
}

function fromItem(Item: Record<string, unknown>): Agent {
  return {
    id: String(Item.id),
    tenant: String(Item.tenant),
    ...(typeof Item.name === 'string' ? { name: Item.name } : {}),
    capabilities: (Item.capabilities ?? []) as string[],
    capacity: Item.capacity as Agent['capacity'],
    weight: typeof Item.weight === 'number' ? Item.weight : 1,
    labels: (Item.labels ?? {}) as Record<string, string>,
    registeredAt: String(Item.registeredAt),
    lastSeenAt: String(Item.lastSeenAt),
    leases: (Item.leases ?? {}) as Record<string, HeldLease>,
  };
}

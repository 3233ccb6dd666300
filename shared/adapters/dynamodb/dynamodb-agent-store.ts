import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryPages } from './query-pages.js';
import { isOnline, type Agent } from '../../domain/agent.js';
import type { HeldLease } from '../../domain/leasing.js';
import type { AgentStore } from '../../ports/agent-store.js';
import { TABLE } from '../../topology/table.js';

/**
 * Agents are items `AGENT#<id>` / `AGENT`. Their leases are a map attribute
 * updated one key at a time (`SET leases.#task` / `REMOVE leases.#task`), so a
 * completion never overwrites a lease granted at the same moment. The tenant's
 * agents are listed through the byTenant index under `<tenant>#agents`.
 */
const agentKey = (id: string): Record<string, string> => ({ [TABLE.partitionKey]: `AGENT#${id}`, [TABLE.sortKey]: 'AGENT' });

export class DynamoDbAgentStore implements AgentStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(agent: Agent): Promise<void> {
    const { byTenant } = TABLE.indexes;
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...agentKey(agent.id), ...agent, [byTenant.partitionKey]: `${agent.tenant}#agents`, [byTenant.sortKey]: `${agent.registeredAt}#${agent.id}` },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      }),
    );
  }

  async get(id: string): Promise<Agent | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: agentKey(id), ConsistentRead: true }));
    if (Item === undefined) return undefined;
    return {
      id: String(Item.id),
      tenant: String(Item.tenant),
      ...(typeof Item.name === 'string' ? { name: Item.name } : {}),
      capabilities: (Item.capabilities ?? []) as string[],
      capacity: Item.capacity as Agent['capacity'],
      labels: (Item.labels ?? {}) as Record<string, string>,
      registeredAt: String(Item.registeredAt),
      lastSeenAt: String(Item.lastSeenAt),
      leases: (Item.leases ?? {}) as Record<string, HeldLease>,
    };
  }

  async touch(id: string, now: Date): Promise<void> {
    await this.update(id, 'SET lastSeenAt = :now', {}, { ':now': now.toISOString() });
  }

  async lock(id: string, now: Date, staleMs: number): Promise<boolean> {
    try {
      await this.update(
        id,
        'SET leasing = :now',
        {},
        { ':now': now.getTime(), ':stale': now.getTime() - staleMs },
        'attribute_not_exists(leasing) OR leasing < :stale',
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async unlock(id: string): Promise<void> {
    await this.update(id, 'REMOVE leasing');
  }

  async addLease(id: string, lease: HeldLease): Promise<void> {
    await this.update(id, 'SET leases.#task = :lease', { '#task': lease.taskId }, { ':lease': lease });
  }

  async removeLease(id: string, taskId: string): Promise<void> {
    await this.update(id, 'REMOVE leases.#task', { '#task': taskId });
  }

  async countByStatus(tenant: string, now: Date): Promise<{ online: number; offline: number }> {
    const { byTenant } = TABLE.indexes;
    const counts = { online: 0, offline: 0 };
    const pages = queryPages(this.db, {
      TableName: this.tableName,
      IndexName: byTenant.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': byTenant.partitionKey },
      ExpressionAttributeValues: { ':pk': `${tenant}#agents` },
    });
    for await (const page of pages) {
      for (const item of page.Items ?? []) counts[isOnline({ lastSeenAt: String(item.lastSeenAt) }, now) ? 'online' : 'offline'] += 1;
    }
    return counts;
  }

  /** An update of an agent that exists. */
  private async update(
    id: string,
    expression: string,
    names: Record<string, string> = {},
    values: Record<string, unknown> = {},
    condition?: string,
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: agentKey(id),
        UpdateExpression: expression,
        ConditionExpression: `attribute_exists(#pk)${condition ? ` AND (${condition})` : ''}`,
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, ...names },
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      }),
    );
  }
}

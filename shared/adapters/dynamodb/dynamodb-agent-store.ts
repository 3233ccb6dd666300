import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Agent } from '../../domain/agent.js';
import { shardOf } from '../../domain/dispatch.js';
import type { HeldLease } from '../../domain/leasing.js';
import type { AgentChange, AgentStore } from '../../ports/agent-store.js';
import { tenantKey } from '../../topology/keys.js';
import { TABLE } from '../../topology/table.js';
import { batchGetItems } from './batch-get.js';
import { queryPages } from './query-pages.js';
import { dueShardKey } from './task-item.js';

/**
 * Agents are items `<tenant>#agent#<id>` / `agent`. Their leases are a map
 * attribute updated one key at a time (`SET leases.#task` / `REMOVE leases.#task`),
 * so a completion never overwrites a lease granted at the same moment; each
 * entry is `{c, resources?}` (its key is the task id; `c` its check time in epoch
 * ms, short because an agent's record with its leases is written by every lease
 * call, and with eight leases `{checkAt: <ISO>}` took it past the kilobyte a
 * write unit buys). An entry written as `{checkAt}` reads as before. A tenant's agents
 * are listed through the `list` index under `<tenant>#agents`, and the sweep
 * finds every tenant's lease holders through the `due` index under
 * `DUE#agent#<n>`: both keys are set once (the second again by each lease call,
 * to the same value) and none of the projected attributes changes afterwards,
 * so lease calls and heartbeats write no index entry.
 */
const agentKey = (tenant: string, id: string): Record<string, string> => ({
  [TABLE.partitionKey]: tenantKey(tenant, 'agent', id),
  [TABLE.sortKey]: 'agent',
});

const HOLDERS = 'agent';

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
        Item: { ...agentKey(agent.tenant, agent.id), ...toItem(agent), [list.partitionKey]: `${agent.tenant}#agents`, [list.sortKey]: `${agent.registeredAt}#${agent.id}` },
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
    await this.update(tenant, id, { seenAt: now });
  }

  async reserve(seen: Agent, add: readonly HeldLease[], ended: readonly string[], now: Date): Promise<boolean> {
    const { due } = TABLE.indexes;
    // One UpdateItem: `SET leases.#t0 = :t0, … REMOVE leases.#e0, …` (task ids are names, never parsed as paths).
    const adding = new Set(add.map((l) => l.taskId));
    const gone = ended.filter((taskId) => !adding.has(taskId));
    const names: Record<string, string> = { '#pk': TABLE.partitionKey, '#dpk': due.partitionKey, '#dsk': due.sortKey };
    const values: Record<string, unknown> = {
      ':seen': seen.revision,
      ':next': seen.revision + 1,
      ':now': now.toISOString(),
      ':dpk': dueShardKey(HOLDERS, shardOf(seen.id, TABLE.dueShards)),
      ':dsk': `${seen.tenant}#${seen.id}`,
    };
    const set = ['revision = :next', 'lastSeenAt = :now', '#dpk = :dpk', '#dsk = :dsk'];
    add.forEach((lease, i) => {
      names[`#t${i}`] = lease.taskId;
      values[`:t${i}`] = entryOf(lease);
      set.push(`leases.#t${i} = :t${i}`);
    });
    for (const [i, taskId] of gone.entries()) names[`#e${i}`] = taskId;
    const remove = gone.length === 0 ? '' : ` REMOVE ${gone.map((_, i) => `leases.#e${i}`).join(', ')}`;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: agentKey(seen.tenant, seen.id),
          UpdateExpression: `SET ${set.join(', ')}${remove}`,
          // Records written before `revision` existed are at revision 0.
          ConditionExpression: `attribute_exists(#pk) AND (revision = :seen OR (attribute_not_exists(revision) AND :seen = :zero))`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':zero': 0 },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async update(tenant: string, id: string, change: AgentChange): Promise<void> {
    const names: Record<string, string> = { '#pk': TABLE.partitionKey };
    const values: Record<string, unknown> = {};
    const set: string[] = [];
    if (change.seenAt !== undefined) {
      set.push('lastSeenAt = :seen');
      values[':seen'] = change.seenAt.toISOString();
    }
    if (change.waitingUntil !== undefined) {
      set.push('waitingUntil = :waiting');
      values[':waiting'] = change.waitingUntil.toISOString();
    }
    const drop = change.drop ?? [];
    for (const [i, taskId] of drop.entries()) names[`#d${i}`] = taskId;
    if (set.length === 0 && drop.length === 0) return;
    const expression = [set.length > 0 ? `SET ${set.join(', ')}` : '', drop.length > 0 ? `REMOVE ${drop.map((_, i) => `leases.#d${i}`).join(', ')}` : ''].join(' ').trim();
    await this.conditional({
      Key: agentKey(tenant, id),
      UpdateExpression: expression,
      ConditionExpression: 'attribute_exists(#pk)',
      ExpressionAttributeNames: names,
      // DynamoDB refuses an empty map here (a change that only drops leases has no values).
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    });
  }

  async recheck(tenant: string, id: string, taskId: string, checkAt: string): Promise<void> {
    await this.conditional({
      Key: agentKey(tenant, id),
      UpdateExpression: 'SET leases.#t.c = :at',
      // Dropped meanwhile (its attempt ended): not brought back.
      ConditionExpression: 'attribute_exists(leases.#t)',
      ExpressionAttributeNames: { '#t': taskId },
      ExpressionAttributeValues: { ':at': Date.parse(checkAt) },
    });
  }

  async leaseHolders(): Promise<readonly Agent[]> {
    const { due } = TABLE.indexes;
    const keys: Record<string, string>[] = [];
    await Promise.all(
      Array.from({ length: TABLE.dueShards }, async (_, n) => {
        const pages = queryPages(this.db, {
          TableName: this.tableName,
          IndexName: due.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': due.partitionKey },
          ExpressionAttributeValues: { ':pk': dueShardKey(HOLDERS, n) },
        });
        for await (const page of pages) for (const item of page.Items ?? []) keys.push(agentKey(String(item.tenant), String(item.id)));
      }),
    );
    return (await batchGetItems(this.db, this.tableName, keys)).map(fromItem);
  }

  async markIdle(tenant: string, id: string): Promise<void> {
    const { due } = TABLE.indexes;
    await this.conditional({
      Key: agentKey(tenant, id),
      UpdateExpression: 'REMOVE #dpk, #dsk',
      ConditionExpression: 'attribute_exists(#pk) AND size(leases) = :zero',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#dpk': due.partitionKey, '#dsk': due.sortKey },
      ExpressionAttributeValues: { ':zero': 0 },
    });
  }

  /** An update that does nothing when its condition fails (the agent is gone, or the change no longer applies). */
  private async conditional(input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>): Promise<void> {
    try {
      await this.db.send(new UpdateCommand({ TableName: this.tableName, ...input }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

/** A held lease as its map entry: the task id is the entry's key. */
function entryOf(lease: HeldLease): Record<string, unknown> {
  return { c: Date.parse(lease.checkAt), ...(lease.resources !== undefined ? { resources: lease.resources } : {}) };
}

/** A stored entry's check time: `c` (epoch ms), else an older entry's `checkAt`, else its lease's end then (`expiresAt`). */
function checkAtOf(entry: StoredEntry): string {
  return typeof entry.c === 'number' ? new Date(entry.c).toISOString() : String(entry.checkAt ?? entry.expiresAt);
}

interface StoredEntry {
  readonly c?: number;
  readonly checkAt?: string;
  readonly expiresAt?: string;
  readonly resources?: HeldLease['resources'];
}

function toItem(agent: Agent): Record<string, unknown> {
  return { ...agent, leases: Object.fromEntries(Object.values(agent.leases).map((lease) => [lease.taskId, entryOf(lease)])) };
}

function fromItem(Item: Record<string, unknown>): Agent {
  const entries = (Item.leases ?? {}) as Record<string, StoredEntry>;
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
    revision: typeof Item.revision === 'number' ? Item.revision : 0,
    ...(typeof Item.waitingUntil === 'string' ? { waitingUntil: Item.waitingUntil } : {}),
    leases: Object.fromEntries(Object.entries(entries).map(([taskId, e]) => [taskId, { taskId, checkAt: checkAtOf(e), ...(e.resources !== undefined ? { resources: e.resources } : {}) }])),
  };
}

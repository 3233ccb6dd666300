import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { circuitKeyInPool, CLOSED_CIRCUIT, type CircuitScope, type CircuitState } from '../../domain/circuit-breaker.js';
import type { CircuitStore, VersionedCircuit } from '../../ports/circuit-store.js';
import { TABLE } from '../../topology/table.js';
import { queryPages } from './query-pages.js';

/** A pool's circuits share a partition, so /stats lists them with one query. */
const SORT_PREFIX = 'CIRCUIT#';

const circuitKey = (scope: CircuitScope): Record<string, string> => ({
  [TABLE.partitionKey]: `CIRCUIT#${scope.pool}`,
  [TABLE.sortKey]: `${SORT_PREFIX}${circuitKeyInPool(scope)}`,
});

const fromItem = (item: Record<string, unknown>): CircuitState => ({
  status: item.status as CircuitState['status'],
  consecutiveFailures: Number(item.consecutiveFailures ?? 0),
  ...(typeof item.since === 'string' ? { since: item.since } : {}),
});

/** One item per tenant × task type on a pool; every write is guarded by the version it read. */
export class DynamoDbCircuitStore implements CircuitStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(scope: CircuitScope): Promise<VersionedCircuit> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: circuitKey(scope), ConsistentRead: true }));
    if (Item === undefined) return { state: CLOSED_CIRCUIT, version: 0 };
    return { state: fromItem(Item), version: Number(Item.version ?? 0) };
  }

  async compareAndSet(scope: CircuitScope, state: CircuitState, expectedVersion: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...circuitKey(scope), pool: scope.pool, tenant: scope.tenant, type: scope.type, ...state, version: expectedVersion + 1 },
          // version 0 means "never stored": the item must not exist yet.
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(#pk)' : '#version = :expected',
          ExpressionAttributeNames: expectedVersion === 0 ? { '#pk': TABLE.partitionKey } : { '#version': 'version' },
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async list(pool: string): Promise<readonly CircuitState[]> {
    const states: CircuitState[] = [];
    const pages = queryPages(this.db, {
      TableName: this.tableName,
      // begins_with: skips the one-per-pool item (sort key `CIRCUIT`) of the layout before circuits were per type.
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
      ExpressionAttributeValues: { ':pk': `CIRCUIT#${pool}`, ':prefix': SORT_PREFIX },
      ConsistentRead: true,
    });
    for await (const page of pages) states.push(...(page.Items ?? []).map(fromItem));
    return states;
  }
}

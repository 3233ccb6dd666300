import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CLOSED_CIRCUIT, type CircuitState } from '../../domain/circuit-breaker.js';
import type { CircuitStore, VersionedCircuit } from '../../ports/circuit-store.js';
import { TABLE } from '../../topology/table.js';

const circuitKey = (pool: string): Record<string, string> => ({
  [TABLE.partitionKey]: `CIRCUIT#${pool}`,
  [TABLE.sortKey]: 'CIRCUIT',
});

/** One item per pool; every write is guarded by the version it read. */
export class DynamoDbCircuitStore implements CircuitStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(pool: string): Promise<VersionedCircuit> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: circuitKey(pool), ConsistentRead: true }));
    if (Item === undefined) return { state: CLOSED_CIRCUIT, version: 0 };
    const state: CircuitState = {
      status: Item.status as CircuitState['status'],
      consecutiveFailures: Number(Item.consecutiveFailures ?? 0),
      ...(typeof Item.since === 'string' ? { since: Item.since } : {}),
    };
    return { state, version: Number(Item.version ?? 0) };
  }

  async compareAndSet(pool: string, state: CircuitState, expectedVersion: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...circuitKey(pool), pool, ...state, version: expectedVersion + 1 },
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
}

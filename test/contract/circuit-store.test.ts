import { contractTable } from '../helpers/contract-table.js';
import { CachedCircuitStore } from '../../shared/adapters/cached-circuit-store.js';
import { DynamoDbCircuitStore } from '../../shared/adapters/dynamodb/dynamodb-circuit-store.js';
import { MemoryCircuitStore } from '../../shared/adapters/memory/memory-circuit-store.js';
import { circuitStoreContract } from './circuit-store.contract.js';

circuitStoreContract('memory', async () => new MemoryCircuitStore());

// The cache in front, as the workers use it: its writes still go through the version check.
circuitStoreContract('memory, cached', async () => new CachedCircuitStore(new MemoryCircuitStore(), 1_000));

circuitStoreContract('DynamoDB', async () => {
  const { db, tableName } = await contractTable();
  return new DynamoDbCircuitStore(db, tableName);
});

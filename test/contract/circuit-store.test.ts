import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { testEndpoints } from '../helpers/endpoints.js';
import { createDocumentClient } from '../../shared/adapters/aws-clients.js';
import { CachedCircuitStore } from '../../shared/adapters/cached-circuit-store.js';
import { DynamoDbCircuitStore } from '../../shared/adapters/dynamodb/dynamodb-circuit-store.js';
import { MemoryCircuitStore } from '../../shared/adapters/memory/memory-circuit-store.js';
import { provisionTable } from '../../local/provision.js';
import { circuitStoreContract } from './circuit-store.contract.js';

process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';

circuitStoreContract('memory', async () => new MemoryCircuitStore());

// The cache in front, as the workers use it: its writes still go through the version check.
circuitStoreContract('memory, cached', async () => new CachedCircuitStore(new MemoryCircuitStore(), 1_000));

circuitStoreContract('DynamoDB', async () => {
  const { dynamodb } = testEndpoints();
  const tableName = `contract-${randomUUID().slice(0, 8)}`;
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint: dynamodb });
  await provisionTable(client, tableName);
  client.destroy();
  return new DynamoDbCircuitStore(createDocumentClient({ region: 'us-east-1', dynamoDbEndpoint: dynamodb }), tableName);
});

import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { testEndpoints } from '../helpers/endpoints.js';
import { createDocumentClient } from '../../shared/adapters/aws-clients.js';
import { DynamoDbAgentStore } from '../../shared/adapters/dynamodb/dynamodb-agent-store.js';
import { MemoryAgentStore } from '../../shared/adapters/memory/memory-agent-store.js';
import { provisionTable } from '../../local/provision.js';
import { agentStoreContract } from './agent-store.contract.js';

process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';

agentStoreContract('memory', async () => new MemoryAgentStore());

let table: Promise<string> | undefined;
agentStoreContract('DynamoDB', async () => {
  const { dynamodb } = testEndpoints();
  // One table for the file: each test has its own tenants.
  table ??= (async () => {
    const tableName = `contract-${randomUUID().slice(0, 8)}`;
    const client = new DynamoDBClient({ region: 'us-east-1', endpoint: dynamodb });
    await provisionTable(client, tableName);
    client.destroy();
    return tableName;
  })();
  return new DynamoDbAgentStore(createDocumentClient({ region: 'us-east-1', dynamoDbEndpoint: dynamodb }), await table);
});

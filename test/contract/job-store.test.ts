import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { testEndpoints } from '../helpers/endpoints.js';
import { createDocumentClient } from '../../shared/adapters/aws-clients.js';
import { DynamoDbJobStore } from '../../shared/adapters/dynamodb/dynamodb-job-store.js';
import { MemoryJobStore } from '../../shared/adapters/memory/memory-job-store.js';
import { provisionTable } from '../../local/provision.js';
import { jobStoreContract } from './job-store.contract.js';

process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';

jobStoreContract('memory', async () => new MemoryJobStore());

jobStoreContract('DynamoDB', async () => {
  const { dynamodb } = testEndpoints();
  const tableName = `contract-${randomUUID().slice(0, 8)}`;
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint: dynamodb });
  await provisionTable(client, tableName);
  client.destroy();
  return new DynamoDbJobStore(createDocumentClient({ region: 'us-east-1', dynamoDbEndpoint: dynamodb }), tableName);
});

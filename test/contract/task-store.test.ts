import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { testEndpoints } from '../helpers/endpoints.js';
import { createDocumentClient } from '../../shared/adapters/aws-clients.js';
import { DynamoDbTaskQueries } from '../../shared/adapters/dynamodb/dynamodb-task-queries.js';
import { DynamoDbTaskRecords } from '../../shared/adapters/dynamodb/dynamodb-task-records.js';
import { MemoryTaskTable } from '../../shared/adapters/memory/memory-task-table.js';
import { provisionTable } from '../../local/provision.js';
import { taskStoreContract } from './task-store.contract.js';

process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';

taskStoreContract('memory', async () => {
  const table = new MemoryTaskTable();
  return { records: table, queries: table };
});

taskStoreContract('DynamoDB', async () => {
  const { dynamodb } = testEndpoints();
  const tableName = `contract-${randomUUID().slice(0, 8)}`;
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint: dynamodb });
  await provisionTable(client, tableName);
  client.destroy();
  const db = createDocumentClient({ region: 'us-east-1', dynamoDbEndpoint: dynamodb });
  return { records: new DynamoDbTaskRecords(db, tableName), queries: new DynamoDbTaskQueries(db, tableName) };
});

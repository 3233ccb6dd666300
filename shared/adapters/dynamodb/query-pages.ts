import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';

/** Every page of a query, following LastEvaluatedKey. */
export async function* queryPages(db: DynamoDBDocumentClient, input: QueryCommandInput): AsyncGenerator<QueryCommandOutput> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new QueryCommand({ ...input, ...(startKey !== undefined ? { ExclusiveStartKey: startKey } : {}) }));
    yield page;
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
}

import { BatchGetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** BatchGetItem's limit of keys per call. */
const KEYS_PER_CALL = 100;

/**
 * The items of `keys` that exist, in no particular order: 100 keys per BatchGetItem,
 * and the keys DynamoDB leaves unprocessed (throttling, its 16 MB answer limit) asked
 * again after a growing pause until none is left. Callers pass each key once.
 */
export async function batchGetItems(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  options: { readonly consistentRead?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += KEYS_PER_CALL) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + KEYS_PER_CALL);
    for (let round = 0; pending !== undefined && pending.length > 0; round++) {
      if (round > 0) await sleep(20 * 2 ** Math.min(round, 6));
      const page: BatchGetCommandOutput = await db.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ...(options.consistentRead === true ? { ConsistentRead: true } : {}) } } }),
      );
      items.push(...(page.Responses?.[tableName] ?? []));
      pending = page.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return items;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

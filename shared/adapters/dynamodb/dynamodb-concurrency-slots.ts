import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SlotHolder } from '../../domain/concurrency-slots.js';
import type { AcquireOutcome, ConcurrencyKeyState, ConcurrencySlots } from '../../ports/concurrency-slots.js';
import { tenantKey } from '../../topology/keys.js';
import { TABLE } from '../../topology/table.js';
import { batchGetItems } from './batch-get.js';
import { queryPages } from './query-pages.js';

/**
 * One item per tenant × concurrency key: `<tenant>#conc#<key>` / `conc`, with
 * `holders`, a map of task id → `{attempt, at}`. Every change is one conditional
 * UpdateItem on that item, so concurrent acquirers can never pass the limit:
 *
 *   acquire  SET holders.<id> = {attempt, at}
 *            IF attribute_exists(holders) AND (attribute_exists(holders.<id>) OR size(holders) < :limit)
 *            (the item is created empty on first use: a map path cannot be set inside a missing map)
 *   release  REMOVE holders.<id>  IF holders.<id>.attempt = :attempt
 *            (so a late release of attempt 1 never removes attempt 2's holder)
 *
 * A failed acquire answers the holders from the item it was refused on
 * (ReturnValuesOnConditionCheckFailure), so a caller can check for left-over ones
 * without a read. The item stays once created (a few bytes per key). It is made in the
 * tenant's list of keys (`list` index, `<tenant>#conckeys#all` / the key: written once, at
 * creation) and keeps the limit its latest acquirer asked for (`lastLimit`), so GET
 * /rate-limits can show each key's use against its limit. (Keys made before the list
 * existed are not in it.)
 */
export class DynamoDbConcurrencySlots implements ConcurrencySlots {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async acquire(tenant: string, key: string, limit: number, holder: SlotHolder): Promise<AcquireOutcome> {
    for (let round = 0; round < 2; round++) {
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: slotKey(tenant, key),
            UpdateExpression: 'SET #holders.#id = :holder, lastLimit = :limit',
            ConditionExpression: 'attribute_exists(#holders) AND (attribute_exists(#holders.#id) OR size(#holders) < :limit)',
            ExpressionAttributeNames: { '#holders': 'holders', '#id': holder.taskId },
            ExpressionAttributeValues: { ':holder': { attempt: holder.attempt, at: holder.at }, ':limit': limit },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { ok: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const item = error.Item as Record<string, { M?: Record<string, { M?: Record<string, { N?: string }> }> }> | undefined;
        if (item?.holders?.M !== undefined) return { ok: false, holders: fromRawHolders(item.holders.M) };
        await this.create(tenant, key);
      }
    }
    return { ok: false, holders: [] };
  }

  async release(tenant: string, key: string, taskId: string, attempt: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: slotKey(tenant, key),
          UpdateExpression: 'REMOVE #holders.#id',
          ConditionExpression: '#holders.#id.#attempt = :attempt',
          ExpressionAttributeNames: { '#holders': 'holders', '#id': taskId, '#attempt': 'attempt' },
          ExpressionAttributeValues: { ':attempt': attempt },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async holders(tenant: string, keys: readonly string[]): Promise<ReadonlyMap<string, readonly SlotHolder[]>> {
    const found = new Map<string, readonly SlotHolder[]>(keys.map((k) => [k, []]));
    const items = await batchGetItems(this.db, this.tableName, [...new Set(keys)].map((k) => slotKey(tenant, k)));
    for (const item of items) found.set(String(item.key), fromHolders(item.holders as Record<string, { attempt: number; at: number }> | undefined));
    return found;
  }

  async list(tenant: string, max: number): Promise<readonly ConcurrencyKeyState[]> {
    const { list } = TABLE.indexes;
    const keys: string[] = [];
    const pages = queryPages(this.db, {
      TableName: this.tableName,
      IndexName: list.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': list.partitionKey },
      ExpressionAttributeValues: { ':pk': keyList(tenant) },
    });
    for await (const page of pages) {
      for (const item of page.Items ?? []) keys.push(String(item[list.sortKey]));
      if (keys.length >= max) break;
    }
    const items = await batchGetItems(this.db, this.tableName, keys.slice(0, max).map((k) => slotKey(tenant, k)));
    return items
      .map((item) => ({
        key: String(item.key),
        holders: fromHolders(item.holders as Record<string, { attempt: number; at: number }> | undefined),
        ...(item.lastLimit !== undefined ? { limit: Number(item.lastLimit) } : {}),
      }))
      .sort((a, b) => a.key.localeCompare(b.key));
  }

  private async create(tenant: string, key: string): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          // In the tenant's list of keys (the `list` index): GET /rate-limits shows each key's use.
          Item: { ...slotKey(tenant, key), tenant, key, holders: {}, [TABLE.indexes.list.partitionKey]: keyList(tenant), [TABLE.indexes.list.sortKey]: key },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

/** The `list` index partition of a tenant's concurrency keys. */
const keyList = (tenant: string): string => tenantKey(tenant, 'conckeys', 'all');

const slotKey = (tenant: string, key: string): Record<string, string> => ({
  [TABLE.partitionKey]: tenantKey(tenant, 'conc', key),
  [TABLE.sortKey]: 'conc',
});

function fromHolders(map: Record<string, { attempt: number; at: number }> | undefined): SlotHolder[] {
  return Object.entries(map ?? {}).map(([taskId, h]) => ({ taskId, attempt: Number(h.attempt), at: Number(h.at) }));
}

/** The holders as the raw attribute map a refused condition returns. */
function fromRawHolders(map: Record<string, { M?: Record<string, { N?: string }> }>): SlotHolder[] {
  return Object.entries(map).map(([taskId, h]) => ({ taskId, attempt: Number(h.M?.attempt?.N ?? 0), at: Number(h.M?.at?.N ?? 0) }));
}

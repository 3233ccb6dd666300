import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { burstMs, intervalMs, nextTokenAt } from '../../domain/rate-limit.js';
import { requestBucket } from '../../domain/request-rate.js';
import { tokenId } from '../../domain/token.js';
import type { RequestBuckets, TokenGrant, TokenListing, TokenOptions, TokenStore } from '../../ports/token-store.js';
import { TABLE } from '../../topology/table.js';

/**
 * Two items per token, both system items (upper-case prefixes: no tenant key can equal them):
 *
 *   TOKEN#<sha-256 hex> / TOKEN   what the authorizer reads, by the hash of the presented token
 *   TOKENS / <id>                 the listing (`tokens list`, `tokens revoke <id>`): id, prefix,
 *                                 tenant, dates, limits, and the hash that leads to the first item
 *
 * Written together (one transaction), so a listed token always exists and a revoke marks both.
 * The authorizer's role reaches only `TOKEN#…` partitions (dynamodb:LeadingKeys).
 */
const tokenKey = (hash: string): Record<string, string> => ({ [TABLE.partitionKey]: `TOKEN#${hash}`, [TABLE.sortKey]: 'TOKEN' });
const listingKey = (id: string): Record<string, string> => ({ [TABLE.partitionKey]: 'TOKENS', [TABLE.sortKey]: id });

export class DynamoDbTokenStore implements TokenStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async find(tokenHash: string): Promise<TokenGrant | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: tokenKey(tokenHash) }));
    if (typeof Item?.tenant !== 'string') return undefined;
    return {
      tenant: Item.tenant,
      operator: Item.operator === true,
      ...strings(Item, ['expiresAt', 'revokedAt'] as const),
      ...numbers(Item, ['rate', 'burst'] as const),
    };
  }

  async put(tokenHash: string, tenant: string, label: string, options: TokenOptions = {}): Promise<void> {
    const { prefix, ...limits } = options;
    const common = { tenant, label, operator: options.operator === true, createdAt: new Date().toISOString(), ...defined(limits) };
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: { ...tokenKey(tokenHash), ...common } } },
          { Put: { TableName: this.tableName, Item: { ...listingKey(tokenId(tokenHash)), ...common, hash: tokenHash, ...defined({ prefix }) } } },
        ],
      }),
    );
  }

  async list(): Promise<readonly TokenListing[]> {
    const listings: TokenListing[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          ExpressionAttributeValues: { ':pk': 'TOKENS' },
          ...(start !== undefined ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        listings.push({
          id: String(item[TABLE.sortKey]),
          tenant: String(item.tenant),
          label: String(item.label ?? ''),
          operator: item.operator === true,
          createdAt: String(item.createdAt),
          ...strings(item, ['prefix', 'expiresAt', 'revokedAt'] as const),
          ...numbers(item, ['rate', 'burst'] as const),
        });
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return listings.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: listingKey(id), ConsistentRead: true }));
    if (typeof Item?.hash !== 'string') return false;
    // if_not_exists: revoking again keeps the first time. The token item is marked even if it
    // was deleted meanwhile (an item with only revokedAt and no tenant grants nothing).
    const revoke = { UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)', ExpressionAttributeValues: { ':at': at.toISOString() } };
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: { TableName: this.tableName, Key: listingKey(id), ...revoke } },
          { Update: { TableName: this.tableName, Key: tokenKey(Item.hash), ...revoke } },
        ],
      }),
    );
    return true;
  }
}

/**
 * Each tenant's API request bucket, `TOKEN#RATE#<tenant>` / `RATE` (inside the authorizer's
 * `TOKEN#` reach; a hash is hex, so no token's item has this key): one number, `tat`, as in
 * domain/rate-limit.ts, taken with one conditional UpdateItem and never a read first:
 *
 *   busy bucket  SET tat = tat + :interval   IF tat BETWEEN :now AND :now + burst
 *   idle bucket  SET tat = :now + :interval  IF attribute_not_exists(tat) OR tat < :now
 *   neither      refused: the next token is due at tat - burst (from the refused item)
 *
 * Each is atomic, so concurrent authorizers never let more through than the bucket holds.
 */
export class DynamoDbRequestBuckets implements RequestBuckets {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async take(tenant: string, limit: { rate: number; burst: number }, now: number): Promise<{ ok: true } | { ok: false; retryAt: number }> {
    const bucket = requestBucket(limit);
    const interval = intervalMs(bucket);
    for (const busy of [true, false, true]) {
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { [TABLE.partitionKey]: `TOKEN#RATE#${tenant}`, [TABLE.sortKey]: 'RATE' },
            ...(busy
              ? {
                  UpdateExpression: 'SET tat = tat + :interval',
                  ConditionExpression: 'tat BETWEEN :now AND :latest',
                  ExpressionAttributeValues: { ':interval': interval, ':now': now, ':latest': now + burstMs(bucket) },
                }
              : {
                  UpdateExpression: 'SET tat = :next',
                  ConditionExpression: 'attribute_not_exists(tat) OR tat < :now',
                  ExpressionAttributeValues: { ':next': now + interval, ':now': now },
                }),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { ok: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const tat = (error.Item as Record<string, { N?: string }> | undefined)?.tat?.N;
        if (tat !== undefined && Number(tat) > now + burstMs(bucket)) return { ok: false, retryAt: nextTokenAt(Number(tat), bucket) };
        // Otherwise the bucket moved between the two conditions (another authorizer): try the other.
      }
    }
    return { ok: false, retryAt: now + interval };
  }
}

/** The attributes among `keys` that hold a string. */
function strings<K extends string>(item: Record<string, unknown>, keys: readonly K[]): Partial<Record<K, string>> {
  return Object.fromEntries(keys.filter((k) => typeof item[k] === 'string').map((k) => [k, item[k]])) as Partial<Record<K, string>>;
}

/** The attributes among `keys` that hold a number. */
function numbers<K extends string>(item: Record<string, unknown>, keys: readonly K[]): Partial<Record<K, number>> {
  return Object.fromEntries(keys.filter((k) => typeof item[k] === 'number').map((k) => [k, item[k]])) as Partial<Record<K, number>>;
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

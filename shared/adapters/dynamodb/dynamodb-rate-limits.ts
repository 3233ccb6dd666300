import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { burstMs, intervalMs, nextTokenAt, type RateLimit, type TakeDecision } from '../../domain/rate-limit.js';
import type { RateLimitStore, StoredRateLimit } from '../../ports/rate-limits.js';
import { TABLE } from '../../topology/table.js';

/**
 * A tenant's rate limits: `<tenant>#ratelimits` / `<type>`, one item per task type
 * holding the limit and its bucket's `tat` (see domain/rate-limit.ts), so listing
 * them is one Query and taking a token one conditional UpdateItem, never a
 * read-modify-write:
 *
 *   busy bucket  SET tat = tat + :interval   IF tat BETWEEN :now AND :now + burst
 *   idle bucket  SET tat = :now + :interval  IF attribute_not_exists(tat) OR tat < :now
 *   neither      refused: the next token is due at tat - burst (from the refused item)
 *
 * Each case is atomic, so concurrent takers can never take more than the bucket
 * holds. All starts of one tenant × type write this one item: ~1,000 per second is
 * a partition's ceiling (sharding the bucket is the way past it; not built).
 */
export class DynamoDbRateLimits implements RateLimitStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(tenant: string, type: string, rate: RateLimit): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: limitKey(tenant, type),
        UpdateExpression: 'SET #limit = :limit, perMs = :per, #type = :type',
        ExpressionAttributeNames: { '#limit': 'limit', '#type': 'type' },
        ExpressionAttributeValues: { ':limit': rate.limit, ':per': rate.perMs, ':type': type },
      }),
    );
  }

  async remove(tenant: string, type: string): Promise<boolean> {
    const { Attributes } = await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: limitKey(tenant, type), ReturnValues: 'ALL_OLD' }));
    return Attributes !== undefined;
  }

  async list(tenant: string): Promise<readonly StoredRateLimit[]> {
    const limits: StoredRateLimit[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          ExpressionAttributeValues: { ':pk': partition(tenant) },
          ConsistentRead: true,
          ...(start !== undefined ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        limits.push({
          type: String(item.type),
          rate: { limit: Number(item.limit), perMs: Number(item.perMs) },
          ...(item.tat !== undefined ? { tat: Number(item.tat) } : {}),
        });
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return limits;
  }

  async take(tenant: string, type: string, rate: RateLimit, now: number): Promise<TakeDecision> {
    const interval = intervalMs(rate);
    let tat: number | undefined;
    for (const busy of [true, false, true]) {
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: limitKey(tenant, type),
            ...(busy
              ? {
                  UpdateExpression: 'SET tat = tat + :interval',
                  ConditionExpression: 'attribute_exists(#pk) AND tat BETWEEN :now AND :latest',
                  ExpressionAttributeValues: { ':interval': interval, ':now': now, ':latest': now + burstMs(rate) },
                }
              : {
                  UpdateExpression: 'SET tat = :next',
                  ConditionExpression: 'attribute_exists(#pk) AND (attribute_not_exists(tat) OR tat < :now)',
                  ExpressionAttributeValues: { ':next': now + interval, ':now': now },
                }),
            ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { ok: true, tat: busy ? (tat ?? now) + interval : now + interval };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const old = error.Item as Record<string, { N?: string }> | undefined;
        // The limit was deleted meanwhile: nothing limits the type any more.
        if (old === undefined) return { ok: true, tat: now };
        tat = old.tat?.N !== undefined ? Number(old.tat.N) : undefined;
        if (tat !== undefined && tat - burstMs(rate) > now) return { ok: false, retryAt: nextTokenAt(tat, rate) };
      }
    }
    return { ok: false, retryAt: now + interval };
  }
}

const partition = (tenant: string): string => `${tenant}#ratelimits`;
const limitKey = (tenant: string, type: string): Record<string, string> => ({ [TABLE.partitionKey]: partition(tenant), [TABLE.sortKey]: type });

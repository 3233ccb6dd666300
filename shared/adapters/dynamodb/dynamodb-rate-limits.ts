import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { burstMs, intervalMs, MAX_RESERVE_MS, nextTokenAt, type RateLimit, type TakeDecision } from '../../domain/rate-limit.js';
import type { RateLimitStore, StoredRateLimit } from '../../ports/rate-limits.js';
import { TABLE } from '../../topology/table.js';
import { queryPages } from './query-pages.js';

/**
 * A tenant's rate limits: `<tenant>#ratelimits` / `<type>`, one item per task type
 * holding the limit and its bucket's `tat` (see domain/rate-limit.ts), so listing
 * them is one Query and taking a token one conditional UpdateItem, never a
 * read-modify-write:
 *
 *   busy bucket  SET tat = tat + :interval   IF tat BETWEEN :now AND :now + burst (+ horizon)
 *   idle bucket  SET tat = :now + :interval  IF attribute_not_exists(tat) OR tat < :now
 *   neither      refused: the next token is due at tat - burst (from the refused item)
 *
 * A busy take answers the new `tat` (ReturnValues), which names the token taken:
 * good from `tat − per`, now or (with a reservation horizon) later — a reserved
 * token, the caller's alone. Each case is atomic, so concurrent takers can never
 * take more than the bucket holds, nor two of them the same reserved token.
 * All starts of one tenant × type write this one item: ~1,000 per second is a
 * partition's ceiling (sharding the bucket is the way past it; not built).
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
    const pages = queryPages(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      ExpressionAttributeValues: { ':pk': partition(tenant) },
      ConsistentRead: true,
    });
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        limits.push({
          type: String(item.type),
          rate: { limit: Number(item.limit), perMs: Number(item.perMs) },
          ...(item.tat !== undefined ? { tat: Number(item.tat) } : {}),
        });
      }
    }
    return limits;
  }

  async take(tenant: string, type: string, rate: RateLimit, now: number, reserveWithinMs = 0): Promise<TakeDecision> {
    const interval = intervalMs(rate);
    // The latest `tat` a busy take may find: a token now (burst), or one to reserve within the horizon.
    const latest = now + burstMs(rate) + Math.max(0, Math.min(reserveWithinMs, MAX_RESERVE_MS));
    for (const busy of [true, false, true]) {
      try {
        const { Attributes } = await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: limitKey(tenant, type),
            ...(busy
              ? {
                  UpdateExpression: 'SET tat = tat + :interval',
                  ConditionExpression: 'attribute_exists(#pk) AND tat BETWEEN :now AND :latest',
                  ExpressionAttributeValues: { ':interval': interval, ':now': now, ':latest': latest },
                }
              : {
                  UpdateExpression: 'SET tat = :next',
                  ConditionExpression: 'attribute_exists(#pk) AND (attribute_not_exists(tat) OR tat < :now)',
                  ExpressionAttributeValues: { ':next': now + interval, ':now': now },
                }),
            ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
            // The new tat tells this taker which token it got: concurrent takers each get their own.
            ReturnValues: 'UPDATED_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        const tat = Number(Attributes?.tat);
        // The token taken is good from (new tat − interval) − burst = new tat − per. Under a
        // millisecond away counts as now: an interval like 1000/3 is not exact in decimal or binary.
        const at = tat - rate.perMs;
        return at - now < 1 ? { ok: true, tat } : { ok: false, reserved: true, at, tat };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const old = error.Item as Record<string, { N?: string }> | undefined;
        // The limit was deleted meanwhile: nothing limits the type any more.
        if (old === undefined) return { ok: true, tat: now };
        const tat = old.tat?.N !== undefined ? Number(old.tat.N) : undefined;
        if (tat !== undefined && tat > latest) return { ok: false, reserved: false, retryAt: nextTokenAt(tat, rate) };
      }
    }
    return { ok: false, reserved: false, retryAt: now + interval };
  }
}

const partition = (tenant: string): string => `${tenant}#ratelimits`;
const limitKey = (tenant: string, type: string): Record<string, string> => ({ [TABLE.partitionKey]: partition(tenant), [TABLE.sortKey]: type });

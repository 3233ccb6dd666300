import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DELIVERY_RECORD_STATUS, REDELIVERABLE, type DeliveryRecord } from '../../domain/webhook-delivery.js';
import type { DeliveryRecords } from '../../ports/delivery-records.js';
import { tenantKey } from '../../topology/keys.js';
import { TABLE } from '../../topology/table.js';
import { prefixQuery } from './prefix-query.js';

/**
 * One partition per webhook, `<tenant>#whdeliveries#<webhookId>` / `d#<deliveryId>`:
 * a delivery id starts with its first attempt's zero-padded epoch ms, so a
 * backwards Query reads the newest first. Items expire by TTL (`expiresAt`).
 */
const partition = (tenant: string, webhookId: string): string => tenantKey(tenant, 'whdeliveries', webhookId);
const key = (tenant: string, webhookId: string, deliveryId: string): Record<string, string> => ({
  [TABLE.partitionKey]: partition(tenant, webhookId),
  [TABLE.sortKey]: `d#${deliveryId}`,
});
const ATTRIBUTES = ['id', 'status', 'eventId', 'eventType', 'attempts', 'at', 'firstAttemptAt', 'responseStatus', 'error', 'redeliveries', 'event'] as const;

function fromItem(item: Record<string, unknown>): DeliveryRecord {
  const record: Record<string, unknown> = {};
  for (const name of ATTRIBUTES) if (item[name] !== undefined) record[name] = item[name];
  return record as unknown as DeliveryRecord;
}

export class DynamoDbDeliveryRecords implements DeliveryRecords {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(tenant: string, webhookId: string, attempt: Omit<DeliveryRecord, 'redeliveries'>, expiresAt: Date): Promise<void> {
    const { id, firstAttemptAt, event, responseStatus, error, ...latest } = attempt;
    const values: Record<string, unknown> = { ':id': id, ':first': firstAttemptAt, ':event': event, ':expires': Math.floor(expiresAt.getTime() / 1000) };
    // Every name through a placeholder: DynamoDB reserves many plain words.
    const names: Record<string, string> = { '#id': 'id', '#first': 'firstAttemptAt', '#event': 'event', '#expires': TABLE.ttlAttribute };
    const set = ['#id = :id', '#first = if_not_exists(#first, :first)', '#event = if_not_exists(#event, :event)', '#expires = :expires'];
    for (const [name, value] of Object.entries({ ...latest, responseStatus, error })) {
      if (value === undefined) continue;
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      set.push(`#${name} = :${name}`);
    }
    // An answer or error of an earlier attempt does not stay beside a later one's outcome.
    const remove = [responseStatus === undefined ? '#responseStatus' : undefined, error === undefined ? '#error' : undefined].filter((x) => x !== undefined);
    if (responseStatus === undefined) names['#responseStatus'] = 'responseStatus';
    if (error === undefined) names['#error'] = 'error';
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(tenant, webhookId, id),
        UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async list(tenant: string, webhookId: string, limit: number): Promise<readonly DeliveryRecord[]> {
    const { Items } = await this.db.send(
      // Newest first: a delivery id starts with its first attempt's time.
      new QueryCommand({ ...prefixQuery(this.tableName, partition(tenant, webhookId), 'd#'), ScanIndexForward: false, Limit: limit }),
    );
    return (Items ?? []).map(fromItem);
  }

  async get(tenant: string, webhookId: string, deliveryId: string): Promise<DeliveryRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key(tenant, webhookId, deliveryId) }));
    return Item === undefined ? undefined : fromItem(Item);
  }

  async markRedelivering(tenant: string, webhookId: string, deliveryId: string, at: string): Promise<DeliveryRecord | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(tenant, webhookId, deliveryId),
          UpdateExpression: 'SET #status = :redelivering, #at = :at ADD redeliveries :one',
          // Only a given-up delivery: a second click (or one racing it) finds it redelivering and sends nothing.
          ConditionExpression: '#status IN (:a, :b)',
          ExpressionAttributeNames: { '#status': 'status', '#at': 'at' },
          ExpressionAttributeValues: { ':redelivering': DELIVERY_RECORD_STATUS.REDELIVERING, ':at': at, ':one': 1, ':a': REDELIVERABLE[0], ':b': REDELIVERABLE[1] },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes === undefined ? undefined : fromItem(Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }
}

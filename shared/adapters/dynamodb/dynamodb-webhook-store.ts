import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryStatus, Webhook } from '../../domain/webhook.js';
import type { WebhookStore } from '../../ports/webhook-store.js';
import { tenantKey } from '../../topology/keys.js';
import { TABLE } from '../../topology/table.js';
import { prefixQuery } from './prefix-query.js';

/**
 * A tenant's webhooks share one partition, `<tenant>#webhooks#all` / `WEBHOOK#<id>`,
 * so listing them (the stream consumer does, per tenant with events) is one Query
 * of at most MAX_WEBHOOKS_PER_TENANT small items.
 */
const partition = (tenant: string): string => tenantKey(tenant, 'webhooks', 'all');
const key = (tenant: string, id: string): Record<string, string> => ({ [TABLE.partitionKey]: partition(tenant), [TABLE.sortKey]: `WEBHOOK#${id}` });
const ATTRIBUTES = ['id', 'tenant', 'url', 'events', 'secret', 'createdAt', 'lastDelivery', 'deadLettered'] as const;

function fromItem(item: Record<string, unknown>): Webhook {
  const webhook: Record<string, unknown> = {};
  for (const name of ATTRIBUTES) if (item[name] !== undefined) webhook[name] = item[name];
  return webhook as unknown as Webhook;
}

export class DynamoDbWebhookStore implements WebhookStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(webhook: Webhook): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...key(webhook.tenant, webhook.id), ...webhook },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      }),
    );
  }

  async list(tenant: string): Promise<readonly Webhook[]> {
    const { Items } = await this.db.send(new QueryCommand(prefixQuery(this.tableName, partition(tenant), 'WEBHOOK#')));
    return (Items ?? []).map(fromItem).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async get(tenant: string, id: string): Promise<Webhook | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key(tenant, id) }));
    return Item === undefined ? undefined : fromItem(Item);
  }

  async delete(tenant: string, id: string): Promise<boolean> {
    const { Attributes } = await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: key(tenant, id), ReturnValues: 'ALL_OLD' }));
    return Attributes !== undefined;
  }

  async rotateSecret(tenant: string, id: string, secret: string): Promise<Webhook | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(tenant, id),
          UpdateExpression: 'SET secret = :secret',
          // A deleted webhook stays deleted.
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          ExpressionAttributeValues: { ':secret': secret },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes === undefined ? undefined : fromItem(Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async recordDelivery(tenant: string, id: string, status: DeliveryStatus): Promise<void> {
    // A refused delivery (forbidden address) goes to the DLQ at once: it counts as a dead letter too.
    const dead = status.status === 'dead_lettered' || status.status === 'refused';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(tenant, id),
          UpdateExpression: `SET lastDelivery = :status${dead ? ' ADD deadLettered :one' : ''}`,
          // A delivery that finishes after its webhook was deleted must not bring it back.
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          ExpressionAttributeValues: { ':status': status, ...(dead ? { ':one': 1 } : {}) },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

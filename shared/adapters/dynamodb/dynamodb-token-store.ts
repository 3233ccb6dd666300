import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TokenGrant, TokenStore } from '../../ports/token-store.js';
import { TABLE } from '../../topology/table.js';

/** A system item (upper-case prefix): no tenant key can equal it. */
const tokenKey = (hash: string): Record<string, string> => ({
  [TABLE.partitionKey]: `TOKEN#${hash}`,
  [TABLE.sortKey]: 'TOKEN',
});

export class DynamoDbTokenStore implements TokenStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async find(tokenHash: string): Promise<TokenGrant | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: tokenKey(tokenHash) }));
    return typeof Item?.tenant === 'string' ? { tenant: Item.tenant, operator: Item.operator === true } : undefined;
  }

  async put(tokenHash: string, tenant: string, label: string, options: { operator?: boolean } = {}): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...tokenKey(tokenHash), tenant, label, operator: options.operator === true, createdAt: new Date().toISOString() },
      }),
    );
  }
}

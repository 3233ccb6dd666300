import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TokenStore } from '../../ports/token-store.js';
import { TABLE } from '../../topology/table.js';

const tokenKey = (hash: string): Record<string, string> => ({
  [TABLE.partitionKey]: `TOKEN#${hash}`,
  [TABLE.sortKey]: 'TOKEN',
});

export class DynamoDbTokenStore implements TokenStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async findTenant(tokenHash: string): Promise<string | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: tokenKey(tokenHash) }));
    return typeof Item?.tenant === 'string' ? Item.tenant : undefined;
  }

  async put(tokenHash: string, tenant: string, label: string): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...tokenKey(tokenHash), tenant, label, createdAt: new Date().toISOString() },
      }),
    );
  }
}

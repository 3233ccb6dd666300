import type { TokenGrant, TokenStore } from '../../ports/token-store.js';

export class MemoryTokenStore implements TokenStore {
  private readonly grants = new Map<string, TokenGrant>();

  async find(tokenHash: string): Promise<TokenGrant | undefined> {
    return this.grants.get(tokenHash);
  }

  async put(tokenHash: string, tenant: string, _label: string, options: { operator?: boolean } = {}): Promise<void> {
    this.grants.set(tokenHash, { tenant, operator: options.operator === true });
  }
}

import type { TokenStore } from '../../ports/token-store.js';

export class MemoryTokenStore implements TokenStore {
  private readonly tenants = new Map<string, string>();

  async findTenant(tokenHash: string): Promise<string | undefined> {
    return this.tenants.get(tokenHash);
  }

  async put(tokenHash: string, tenant: string): Promise<void> {
    this.tenants.set(tokenHash, tenant);
  }
}

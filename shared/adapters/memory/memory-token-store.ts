import { takeToken } from '../../domain/rate-limit.js';
import { requestBucket } from '../../domain/request-rate.js';
import { tokenId } from '../../domain/token.js';
import type { RequestBuckets, TokenGrant, TokenListing, TokenOptions, TokenStore } from '../../ports/token-store.js';

export class MemoryTokenStore implements TokenStore {
  private readonly grants = new Map<string, TokenGrant & { listing: TokenListing }>();

  async find(tokenHash: string): Promise<TokenGrant | undefined> {
    const found = this.grants.get(tokenHash);
    if (found === undefined) return undefined;
    const { listing: _listing, ...grant } = found;
    return grant;
  }

  async put(tokenHash: string, tenant: string, label: string, options: TokenOptions = {}): Promise<void> {
    const { prefix, ...life } = options;
    const grant = { tenant, ...life, operator: options.operator === true };
    const listing: TokenListing = { ...grant, id: tokenId(tokenHash), label, createdAt: new Date().toISOString(), ...(prefix !== undefined ? { prefix } : {}) };
    this.grants.set(tokenHash, { ...grant, listing });
  }

  async list(): Promise<readonly TokenListing[]> {
    return [...this.grants.values()].map((g) => ({ ...g.listing, ...(g.revokedAt !== undefined ? { revokedAt: g.revokedAt } : {}) }));
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    for (const [hash, grant] of this.grants) {
      if (tokenId(hash) !== id) continue;
      this.grants.set(hash, { revokedAt: at.toISOString(), ...grant });
      return true;
    }
    return false;
  }
}

/** The same GCRA bucket as DynamoDB's, in a Map: for unit tests. */
export class MemoryRequestBuckets implements RequestBuckets {
  private readonly tats = new Map<string, number>();

  async take(tenant: string, limit: { rate: number; burst: number }, now: number): Promise<{ ok: true } | { ok: false; retryAt: number }> {
    const decision = takeToken(this.tats.get(tenant), requestBucket(limit), now);
    if (decision.ok) {
      this.tats.set(tenant, decision.tat);
      return { ok: true };
    }
    return { ok: false, retryAt: decision.reserved ? decision.at : decision.retryAt };
  }
}

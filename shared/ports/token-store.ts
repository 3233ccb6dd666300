/** API tokens, stored only as hashes. */
export interface TokenStore {
  /** The tenant of a token hash, or undefined when unknown. */
  findTenant(tokenHash: string): Promise<string | undefined>;
  /** Adds (or replaces) a token hash for a tenant. */
  put(tokenHash: string, tenant: string, label: string): Promise<void>;
}

/** What a token grants: acting for one tenant, and, for an operator, seeing pool-wide figures. */
export interface TokenGrant {
  readonly tenant: string;
  readonly operator: boolean;
}

/** API tokens, stored only as hashes. */
export interface TokenStore {
  /** What a token hash grants, or undefined when unknown. */
  find(tokenHash: string): Promise<TokenGrant | undefined>;
  /** Adds (or replaces) a token hash for a tenant; `operator` defaults to false. */
  put(tokenHash: string, tenant: string, label: string, options?: { operator?: boolean }): Promise<void>;
}

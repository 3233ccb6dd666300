import type { TokenLife } from '../domain/token.js';

/** What a token grants: acting for one tenant, and, for an operator, seeing pool-wide figures. */
export interface TokenGrant extends TokenLife {
  readonly tenant: string;
  readonly operator: boolean;
  /** The tenant's API request limit this token carries (requests/s), with `burst`. */
  readonly rate?: number;
  readonly burst?: number;
}

/** How a new token is stored besides its hash, tenant and label. */
export interface TokenOptions {
  readonly operator?: boolean;
  /** ISO 8601. */
  readonly expiresAt?: string;
  readonly rate?: number;
  readonly burst?: number;
  /** The token's first characters (`tokenPrefix`), for the listing. */
  readonly prefix?: string;
}

/** A token as `tokens list` shows it: never its secret, nor its whole hash. */
export interface TokenListing extends TokenLife {
  /** `tokenId(hash)`: what `tokens revoke` takes. */
  readonly id: string;
  readonly prefix?: string;
  readonly tenant: string;
  readonly label: string;
  readonly operator: boolean;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly rate?: number;
  readonly burst?: number;
}

/** API tokens, stored only as hashes. */
export interface TokenStore {
  /** What a token hash grants (revoked or expired ones included: the caller decides), or undefined when unknown. */
  find(tokenHash: string): Promise<TokenGrant | undefined>;
  /** Adds (or replaces) a token hash for a tenant; `operator` defaults to false. */
  put(tokenHash: string, tenant: string, label: string, options?: TokenOptions): Promise<void>;
  /** Every token added through `put`, oldest first. */
  list(): Promise<readonly TokenListing[]>;
  /** Marks the token with this id revoked at `at`; false when there is none. Revoking twice keeps the first time. */
  revoke(id: string, at: Date): Promise<boolean>;
}

/** Per-tenant API request buckets (the authorizer's limit). */
export interface RequestBuckets {
  /** Takes one request token at `now` (atomically); when none, when the next one is due. */
  take(tenant: string, limit: { rate: number; burst: number }, now: number): Promise<{ ok: true } | { ok: false; retryAt: number }>;
}

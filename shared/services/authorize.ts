import { isTenantName, TENANT_RULE } from '../domain/tenant.js';
import { bearerToken, hashToken, type AuthVerdict } from '../domain/token.js';
import { ValidationError } from '../errors.js';
import type { TokenGrant, TokenStore } from '../ports/token-store.js';

/**
 * What an Authorization header's bearer token grants, or undefined. A token
 * stored for a name that is not a valid tenant (written before names were
 * checked) grants nothing: such a name could reach another tenant's keys.
 */
export async function authorize(tokens: TokenStore, authorizationHeader: string | undefined): Promise<TokenGrant | undefined> {
  const token = bearerToken(authorizationHeader);
  if (token === undefined || token.length > 512) return undefined;
  const grant = await tokens.find(hashToken(token));
  return grant !== undefined && isTenantName(grant.tenant) ? grant : undefined;
}

/**
 * Stores a token for a tenant (only its hash). Throws ValidationError when the
 * tenant is not a valid tenant name, so no token can ever act for a name that
 * collides with an index or system key (`JOBS`, `local#agents`).
 */
export async function addToken(tokens: TokenStore, token: string, tenant: string, label: string, options: { operator?: boolean } = {}): Promise<void> {
  if (!isTenantName(tenant)) throw new ValidationError([{ field: 'tenant', message: `"${tenant}" is not a tenant name: ${TENANT_RULE}` }]);
  await tokens.put(hashToken(token), tenant, label, options);
}

/**
 * How long a token's verdict is kept in this process: as long as API Gateway's
 * own result cache kept it before the authorizer ran on every request (so a
 * revoked token stops working within the same bound).
 */
export const VERDICT_CACHE_MS = 300_000;

/** The verdicts one authorizer instance has given, by Authorization header (one per container). */
export type VerdictCache = Map<string, { context: AuthVerdict; until: number }>;

/**
 * The authorizer's context for an Authorization header: the tenant, or why there
 * is none (`missing`: no header; `invalid`: a token that grants nothing).
 * Verdicts are cached per header for VERDICT_CACHE_MS.
 */
export async function authorizerVerdict(tokens: TokenStore, verdicts: VerdictCache, authorizationHeader: string | undefined, nowMs: number): Promise<AuthVerdict> {
  if (authorizationHeader === undefined || authorizationHeader === '') return { denied: 'missing' };
  const cached = verdicts.get(authorizationHeader);
  if (cached !== undefined && cached.until > nowMs) return cached.context;
  const grant = await authorize(tokens, authorizationHeader);
  const context: AuthVerdict = grant === undefined ? { denied: 'invalid' } : { tenant: grant.tenant, operator: grant.operator };
  if (verdicts.size > 10_000) verdicts.clear();
  verdicts.set(authorizationHeader, { context, until: nowMs + VERDICT_CACHE_MS });
  return context;
}

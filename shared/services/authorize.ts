import { isTenantName, TENANT_RULE } from '../domain/tenant.js';
import { bearerToken, hashToken } from '../domain/token.js';
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

import { bearerToken, hashToken } from '../domain/token.js';
import type { TokenStore } from '../ports/token-store.js';

/** The tenant an Authorization header's bearer token belongs to, or undefined. */
export async function authorize(tokens: TokenStore, authorizationHeader: string | undefined): Promise<string | undefined> {
  const token = bearerToken(authorizationHeader);
  if (token === undefined) return undefined;
  return tokens.findTenant(hashToken(token));
}

import { generateToken, tokenId, tokenPrefix, hashToken } from '../domain/token.js';
import { NotFoundError } from '../errors.js';
import type { TokenListing, TokenOptions, TokenStore } from '../ports/token-store.js';
import { addToken } from './authorize.js';

/** What `tokens create` asks for. */
export interface NewToken extends Omit<TokenOptions, 'prefix'> {
  readonly tenant: string;
  readonly label: string;
  /** Use this secret instead of generating one (a token kept elsewhere, tests). */
  readonly token?: string;
}

/**
 * Creates an API token: only its hash is stored, with its prefix for the listing.
 * Returns the secret (shown once) and the id `tokens revoke` takes. Throws
 * ValidationError naming a wrong tenant, rate or burst.
 */
export async function createToken(tokens: Pick<TokenStore, 'put'>, request: NewToken): Promise<{ token: string; id: string }> {
  const { tenant, label, token = generateToken(), ...options } = request;
  await addToken(tokens, token, tenant, label, { ...options, prefix: tokenPrefix(token) });
  return { token, id: tokenId(hashToken(token)) };
}

/** Every listed token, oldest first: never a secret. */
export async function listTokens(tokens: Pick<TokenStore, 'list'>): Promise<readonly TokenListing[]> {
  return tokens.list();
}

/** Revokes a token by its id; throws NotFoundError when no token has it. */
export async function revokeToken(tokens: Pick<TokenStore, 'revoke'>, id: string, now: Date): Promise<void> {
  if (!(await tokens.revoke(id, now))) throw new NotFoundError('token', id);
}

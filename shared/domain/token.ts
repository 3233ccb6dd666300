import { createHash, randomBytes } from 'node:crypto';

/** Tokens are stored only as this hash, so a table dump reveals none. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A fresh random token, `tf_` + 32 bytes base64url. */
export function generateToken(): string {
  return `tf_${randomBytes(32).toString('base64url')}`;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

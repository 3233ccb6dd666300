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

/** Why a request has no tenant: no bearer token (401), or one that grants nothing (403). */
export type AuthDenial = 'missing' | 'invalid';

/** Who a request's bearer token says the caller is, or why it says no one. */
export interface AuthVerdict {
  readonly tenant?: string;
  /** An operator's token: may see pool-wide figures (shared queue depths, DLQs, circuits). */
  readonly operator?: boolean;
  readonly denied?: AuthDenial;
}

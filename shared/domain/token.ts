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
  readonly denied?: AuthDenialReason;
  /** `throttled`: when the tenant's next request may pass (the 429's Retry-After). */
  readonly retryAfterSeconds?: number;
}

/** Why a request has no tenant: no bearer token (401), one that grants nothing (403), a revoked or expired one (401), or over its tenant's rate (429). */
export type AuthDenialReason = AuthDenial | 'revoked' | 'expired' | 'throttled';

/** How a token's listing names it without its secret: the first 12 hex digits of its hash. */
export function tokenId(tokenHash: string): string {
  return tokenHash.slice(0, 12);
}

/** The start of a token a person recognises it by (`tf_AbCd…`): 8 of its characters, 5 of them random, too few to guess the rest. */
export function tokenPrefix(token: string): string {
  return token.slice(0, 8);
}

/** What decides whether a stored token still grants anything. */
export interface TokenLife {
  /** ISO 8601; past it the token is refused. */
  readonly expiresAt?: string;
  /** ISO 8601; set when revoked. */
  readonly revokedAt?: string;
}

/** Whether a token grants access at `now`: `active`, or why not. */
export function tokenStanding(token: TokenLife, now: Date): 'active' | 'revoked' | 'expired' {
  if (token.revokedAt !== undefined) return 'revoked';
  if (token.expiresAt !== undefined && Date.parse(token.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}

const EXPIRY_UNITS_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000 };

/**
 * `--expires`: a duration from now (`90m`, `12h`, `30d`, `8w`, `1y`) or a date
 * (`2027-06-30`, an ISO 8601 time) in the future; undefined when it is neither.
 */
export function parseExpiry(text: string, now: Date): Date | undefined {
  const duration = /^(\d{1,5})([mhdwy])$/.exec(text.trim());
  const at = duration !== null ? now.getTime() + Number(duration[1]) * (EXPIRY_UNITS_MS[duration[2] as string] as number) : Date.parse(text.trim());
  return Number.isFinite(at) && at > now.getTime() ? new Date(at) : undefined;
}

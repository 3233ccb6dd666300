import { defaultBurst, requestRateProblems, retryAfterSeconds } from '../domain/request-rate.js';
import { isTenantName, TENANT_RULE } from '../domain/tenant.js';
import { bearerToken, hashToken, tokenStanding, type AuthVerdict } from '../domain/token.js';
import { ValidationError } from '../errors.js';
import type { RequestBuckets, TokenGrant, TokenOptions, TokenStore } from '../ports/token-store.js';

/**
 * What an Authorization header's bearer token grants, or undefined. A token
 * stored for a name that is not a valid tenant (written before names were
 * checked) grants nothing: such a name could reach another tenant's keys.
 * A revoked or expired token is returned as stored: the caller says why it is refused.
 */
export async function authorize(tokens: Pick<TokenStore, 'find'>, authorizationHeader: string | undefined): Promise<TokenGrant | undefined> {
  const token = bearerToken(authorizationHeader);
  if (token === undefined || token.length > 512) return undefined;
  const grant = await tokens.find(hashToken(token));
  return grant !== undefined && isTenantName(grant.tenant) ? grant : undefined;
}

/**
 * Stores a token for a tenant (only its hash). Throws ValidationError when the
 * tenant is not a valid tenant name, so no token can ever act for a name that
 * collides with an index or system key (`JOBS`, `local#agents`), or when its
 * rate or burst is not a usable limit.
 */
export async function addToken(tokens: Pick<TokenStore, 'put'>, token: string, tenant: string, label: string, options: TokenOptions = {}): Promise<void> {
  const problems = [
    ...(isTenantName(tenant) ? [] : [{ field: 'tenant', message: `"${tenant}" is not a tenant name: ${TENANT_RULE}` }]),
    ...requestRateProblems(options),
  ];
  if (problems.length > 0) throw new ValidationError(problems);
  await tokens.put(hashToken(token), tenant, label, options);
}

/**
 * How long a token's verdict is kept in the authorizer's container on AWS: as
 * long as API Gateway's own result cache kept it before the authorizer ran on
 * every request. A revoked or expired token is refused at most this long after
 * the change (an expiry is never cached past: the verdict's time is cut to it).
 */
export const VERDICT_CACHE_MS = 300_000;

/** The verdicts of one authorizer container, by Authorization header. */
export class VerdictCache {
  private readonly verdicts = new Map<string, { verdict: AuthVerdict & { rate?: number; burst?: number }; until: number }>();

  get(header: string, nowMs: number): (AuthVerdict & { rate?: number; burst?: number }) | undefined {
    const cached = this.verdicts.get(header);
    return cached !== undefined && cached.until > nowMs ? cached.verdict : undefined;
  }

  set(header: string, verdict: AuthVerdict & { rate?: number; burst?: number }, until: number): void {
    // A flood of distinct headers must not grow the container's memory without bound.
    if (this.verdicts.size > 10_000) this.verdicts.clear();
    this.verdicts.set(header, { verdict, until });
  }
}

export interface AuthorizerDeps {
  readonly tokens: Pick<TokenStore, 'find'>;
  /** Where each tenant's request bucket is kept (tokens with a rate only). */
  readonly buckets: RequestBuckets;
  readonly cache: VerdictCache;
  /** How long a verdict is kept. @default VERDICT_CACHE_MS */
  readonly cacheMs?: number;
}

/**
 * The authorizer's context for an Authorization header: the tenant, or why there
 * is none (`missing`: no header; `invalid`: a token that grants nothing;
 * `revoked` / `expired`; `throttled`: over the rate its token carries, with
 * `retryAfterSeconds`). The token's verdict is cached per header; the rate is
 * checked on every request, against the tenant's bucket in the table.
 */
export async function authorizerVerdict(deps: AuthorizerDeps, authorizationHeader: string | undefined, nowMs: number): Promise<AuthVerdict> {
  if (authorizationHeader === undefined || authorizationHeader === '') return { denied: 'missing' };
  let verdict = deps.cache.get(authorizationHeader, nowMs);
  if (verdict === undefined) {
    const grant = await authorize(deps.tokens, authorizationHeader);
    const standing = grant === undefined ? 'invalid' : tokenStanding(grant, new Date(nowMs));
    verdict =
      grant === undefined || standing !== 'active'
        ? { denied: standing === 'active' ? 'invalid' : standing }
        : { tenant: grant.tenant, operator: grant.operator, ...(grant.rate !== undefined ? { rate: grant.rate, burst: grant.burst ?? defaultBurst(grant.rate) } : {}) };
    // An active token's verdict is never kept past its expiry.
    const expiresAt = verdict.denied === undefined && grant?.expiresAt !== undefined ? Date.parse(grant.expiresAt) : Number.POSITIVE_INFINITY;
    deps.cache.set(authorizationHeader, verdict, Math.min(nowMs + (deps.cacheMs ?? VERDICT_CACHE_MS), expiresAt));
  }
  const { rate, burst, ...context } = verdict;
  if (context.tenant === undefined || rate === undefined || burst === undefined) return context;
  const taken = await deps.buckets.take(context.tenant, { rate, burst }, nowMs);
  return taken.ok ? context : { tenant: context.tenant, denied: 'throttled', retryAfterSeconds: retryAfterSeconds(taken.retryAt, nowMs) };
}

import { describe, expect, it } from 'vitest';
import { MemoryRequestBuckets, MemoryTokenStore } from '../../shared/adapters/memory/memory-token-store.js';
import { takeToken } from '../../shared/domain/rate-limit.js';
import { requestBucket, requestRateProblems, retryAfterSeconds } from '../../shared/domain/request-rate.js';
import { parseExpiry, tokenStanding } from '../../shared/domain/token.js';
import { authorizerVerdict, VerdictCache, VERDICT_CACHE_MS } from '../../shared/services/authorize.js';
import { createToken, listTokens, revokeToken } from '../../shared/services/tokens.js';
import { refuseDenied } from '../../shared/http/request.js';
import type { ApiEvent } from '../../shared/http/types.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');

describe('request rate (pure)', () => {
  it('lets a full bucket pass `burst` requests at once, then one per 1/rate s', () => {
    const bucket = requestBucket({ rate: 2, burst: 3 });
    let tat: number | undefined;
    const passed: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const d = takeToken(tat, bucket, NOW);
      passed.push(d.ok);
      if (d.ok) tat = d.tat;
    }
    expect(passed).toEqual([true, true, true, false]);
    const refused = takeToken(tat, bucket, NOW);
    expect(refused.ok).toBe(false);
    if (!refused.ok && !refused.reserved) expect(refused.retryAt).toBe(NOW + 500);
    expect(takeToken(tat, bucket, NOW + 500).ok).toBe(true);
  });

  it('rounds Retry-After up to whole seconds, at least 1', () => {
    expect(retryAfterSeconds(NOW + 1, NOW)).toBe(1);
    expect(retryAfterSeconds(NOW + 1001, NOW)).toBe(2);
    expect(retryAfterSeconds(NOW - 5, NOW)).toBe(1);
  });

  it('names a wrong rate or burst', () => {
    expect(requestRateProblems({ rate: 0, burst: 1.5 }).map((p) => p.field)).toEqual(['rate', 'burst']);
    expect(requestRateProblems({ burst: 3 })).toEqual([{ field: 'rate', message: 'is required with burst' }]);
    expect(requestRateProblems({ rate: 0.5, burst: 1 })).toEqual([]);
  });
});

describe('token life (pure)', () => {
  it('reads --expires as a duration or a future date', () => {
    const now = new Date(NOW);
    expect(parseExpiry('30d', now)?.toISOString()).toBe('2026-12-31T12:00:00.000Z');
    expect(parseExpiry('90m', now)?.toISOString()).toBe('2026-12-01T13:30:00.000Z');
    expect(parseExpiry('2027-06-30', now)?.toISOString()).toBe('2027-06-30T00:00:00.000Z');
    for (const bad of ['2020-01-01', 'soon', '0d', '']) expect(parseExpiry(bad, now), bad).toBeUndefined();
  });

  it('is revoked, expired or active', () => {
    const now = new Date(NOW);
    expect(tokenStanding({}, now)).toBe('active');
    expect(tokenStanding({ expiresAt: '2026-12-01T12:00:01Z' }, now)).toBe('active');
    expect(tokenStanding({ expiresAt: '2026-12-01T12:00:00Z' }, now)).toBe('expired');
    expect(tokenStanding({ revokedAt: '2026-11-01T00:00:00Z', expiresAt: '2026-11-02T00:00:00Z' }, now)).toBe('revoked');
  });
});

describe('tokens and the authorizer’s verdict', () => {
  const setup = () => {
    const tokens = new MemoryTokenStore();
    const deps = { tokens, buckets: new MemoryRequestBuckets(), cache: new VerdictCache() };
    return { tokens, deps };
  };

  it('lists a created token by id, prefix and tenant, never its secret', async () => {
    const { tokens } = setup();
    const { token, id } = await createToken(tokens, { tenant: 'acme', label: 'ci', rate: 5 });
    const [listed] = await listTokens(tokens);
    expect(listed).toMatchObject({ id, prefix: token.slice(0, 8), tenant: 'acme', label: 'ci', rate: 5 });
    expect(JSON.stringify(listed)).not.toContain(token);
  });

  it('refuses a revoked token once its cached verdict runs out, with its reason', async () => {
    const { tokens, deps } = setup();
    const { token, id } = await createToken(tokens, { tenant: 'acme', label: 't' });
    const header = `Bearer ${token}`;
    expect(await authorizerVerdict(deps, header, NOW)).toEqual({ tenant: 'acme', operator: false });
    await revokeToken(tokens, id, new Date(NOW));
    expect((await authorizerVerdict(deps, header, NOW + 1000)).tenant).toBe('acme'); // cached
    expect(await authorizerVerdict(deps, header, NOW + VERDICT_CACHE_MS)).toEqual({ denied: 'revoked' });
    await expect(revokeToken(tokens, 'nope', new Date(NOW))).rejects.toMatchObject({ status: 404 });
  });

  it('never keeps an active verdict past the token’s expiry', async () => {
    const { tokens, deps } = setup();
    const { token } = await createToken(tokens, { tenant: 'acme', label: 't', expiresAt: new Date(NOW + 10_000).toISOString() });
    expect((await authorizerVerdict(deps, `Bearer ${token}`, NOW)).tenant).toBe('acme');
    expect(await authorizerVerdict(deps, `Bearer ${token}`, NOW + 10_000)).toEqual({ denied: 'expired' });
  });

  it('throttles one tenant over its token’s rate while another passes', async () => {
    const { tokens, deps } = setup();
    const a = await createToken(tokens, { tenant: 'acme', label: 't', rate: 1, burst: 2 });
    const b = await createToken(tokens, { tenant: 'globex', label: 't', rate: 1, burst: 2 });
    const verdicts = [];
    for (let i = 0; i < 3; i++) verdicts.push(await authorizerVerdict(deps, `Bearer ${a.token}`, NOW));
    expect(verdicts.map((v) => v.denied)).toEqual([undefined, undefined, 'throttled']);
    expect(verdicts[2]).toEqual({ tenant: 'acme', denied: 'throttled', retryAfterSeconds: 1 });
    expect((await authorizerVerdict(deps, `Bearer ${b.token}`, NOW)).denied).toBeUndefined();
  });

  it('answers each denial with its status: 401 revoked or expired, 429 throttled with Retry-After', () => {
    const status = (lambda: Record<string, unknown>): number => {
      try {
        refuseDenied({ requestContext: { authorizer: { lambda } } } as unknown as ApiEvent);
        return 200;
      } catch (error) {
        return (error as { status: number }).status;
      }
    };
    expect(status({ denied: 'revoked' })).toBe(401);
    expect(status({ denied: 'expired' })).toBe(401);
    expect(status({ denied: 'invalid' })).toBe(403);
    expect(status({ denied: 'throttled', retryAfterSeconds: 3 })).toBe(429);
    expect(status({ tenant: 'acme' })).toBe(200);
  });
});

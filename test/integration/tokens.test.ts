import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createToken, listTokens, revokeToken } from '../../shared/services/tokens.js';
import { useTestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait.js';

// The authorizer keeps verdicts 300 s on AWS; here 1 s, so a revoke shows within a test's patience.
const AUTH_CACHE_SECONDS = 1;
const local = useTestStack({ events: false, env: { TASKFLEET_AUTH_CACHE_SECONDS: String(AUTH_CACHE_SECONDS) } });

async function get(path: string, token: string): Promise<{ status: number; retryAfter: string | null; body: any }> {
  const response = await fetch(`${local.stack.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
}

describe('API tokens on the local stack', () => {
  it('refuses a revoked token with 401 once the authorizer’s cache time has passed', async () => {
    const { token, id } = await createToken(local.stack.services.taskDeps.tokens, { tenant: 'globex', label: 'revoke test' });
    expect((await get('/tasks', token)).status).toBe(200);
    expect((await listTokens(local.stack.services.taskDeps.tokens)).find((t) => t.id === id)).toMatchObject({ tenant: 'globex', prefix: token.slice(0, 8) });

    await revokeToken(local.stack.services.taskDeps.tokens, id, new Date());
    // Within the cache time (1 s here, 300 s on AWS): wait on the answer, never a fixed sleep.
    const refused = await waitFor(() => get('/tasks', token), (r) => r.status !== 200, 30_000, 200);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('token_revoked');
    expect((await listTokens(local.stack.services.taskDeps.tokens)).find((t) => t.id === id)?.revokedAt).toBeDefined();
  });

  it('refuses an expired token with 401', async () => {
    const { token } = await createToken(local.stack.services.taskDeps.tokens, { tenant: 'globex', label: 'expiry test', expiresAt: new Date(Date.now() + 1_500).toISOString() });
    const refused = await waitFor(() => get('/tasks', token), (r) => r.status !== 200, 30_000, 200);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('token_expired');
  });

  it('answers 429 with Retry-After to a tenant over its token’s rate, while another tenant passes', async () => {
    // One request per 50 s after a burst of 2: the third within a few seconds is over, however busy the machine.
    const initech = await createToken(local.stack.services.taskDeps.tokens, { tenant: 'initech', label: 'rate test', rate: 0.02, burst: 2 });
    const umbrella = await createToken(local.stack.services.taskDeps.tokens, { tenant: 'umbrella', label: 'rate test', rate: 0.02, burst: 2 });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await get('/tasks', initech.token));
    expect(answers.slice(0, 2).map((a) => a.status)).toEqual([200, 200]);
    const throttled = answers.find((a) => a.status === 429);
    expect(throttled).toBeDefined();
    expect(Number(throttled!.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(throttled!.body.error.code).toBe('rate_limited');

    expect((await get('/tasks', umbrella.token)).status).toBe(200);
    expect((await get('/tasks', local.stack.token)).status).toBe(200); // a token without a rate is not limited
  });

  it('creates, lists and revokes through `taskfleet tokens`, never printing a secret in the listing', async () => {
    const env = { ...process.env, TABLE_NAME: local.stack.tableName, AWS_ENDPOINT_URL: local.stack.dynamoDbEndpoint, AWS_REGION: 'us-east-1' };
    const cli = async (...args: string[]) => (await promisify(execFile)('node', ['bin/taskfleet.mjs', 'tokens', ...args], { env, timeout: 60_000 })).stdout;
    const created = JSON.parse(await cli('create', '--tenant', 'hooli', '--expires', '30d', '--rate', '5', '--json')) as { token: string; id: string };
    expect((await get('/tasks', created.token)).status).toBe(200);

    const listed = (JSON.parse(await cli('list', '--json')) as { id: string; tenant: string; expiresAt?: string; rate?: number }[]).find((t) => t.id === created.id);
    expect(listed).toMatchObject({ tenant: 'hooli', rate: 5 });
    expect(listed?.expiresAt).toBeDefined();
    expect(await cli('list')).not.toContain(created.token);

    expect(await cli('revoke', created.id)).toContain(`revoked token ${created.id}`);
    const refused = await waitFor(() => get('/tasks', created.token), (r) => r.status !== 200, 30_000, 200);
    expect(refused.status).toBe(401);
    await expect(cli('create', '--tenant', 'JOBS')).rejects.toMatchObject({ stderr: expect.stringContaining('tenant') });
  });
});

import { Command, InvalidArgumentError, Option } from 'commander';
import { createTokenStore } from '../shared/composition.js';
import { parseExpiry } from '../shared/domain/token.js';
import { TENANT_RULE } from '../shared/domain/tenant.js';
import type { TokenListing } from '../shared/ports/token-store.js';
import { VERDICT_CACHE_MS } from '../shared/services/authorize.js';
import { createToken, listTokens, revokeToken } from '../shared/services/tokens.js';

/**
 * `taskfleet tokens create | list | revoke`: API tokens, written straight to a
 * stack's table with the caller's AWS credentials (AWS_PROFILE, AWS_REGION, and
 * AWS_ENDPOINT_URL for a local stack), not over the API: whoever may write the
 * table may mint tokens, and no API token can mint another.
 */
export function tokensCommand(print: (value: unknown) => void): Command {
  const tokens = new Command('tokens').description('API tokens: create, list, revoke (stored hashed in the stack’s table)');
  const table = () => new Option('--table <name>', 'the stack’s TableName output').env('TABLE_NAME').makeOptionMandatory();
  const store = (name: string) => createTokenStore(name);

  tokens
    .command('create')
    .description('create a token for a tenant and print it once (only its SHA-256 hash is kept)')
    .requiredOption('--tenant <tenant>', `the tenant it acts for; a tenant sees only its own tasks (${TENANT_RULE})`)
    .addOption(table())
    .option('--label <text>', 'a note shown by `tokens list`', 'created by taskfleet tokens')
    .option('--expires <when>', 'refused after: a duration (90m, 12h, 30d, 8w, 1y) or a date (2027-06-30)', (v: string) => {
      const at = parseExpiry(v, new Date());
      if (at === undefined) throw new InvalidArgumentError('must be a duration like 30d or a future date like 2027-06-30');
      return at;
    })
    .option('--rate <n>', "the tenant's requests per second through this token (over it: 429 with Retry-After)", positiveNumber)
    .option('--burst <n>', 'requests at once from a full bucket (default: 2 s of --rate)', positiveNumber)
    .option('--operator', 'also sees pool-wide figures in GET /stats (every pool’s queues, dead letters, circuits)', false)
    .option('--token <token>', 'store this secret instead of generating one')
    .option('--json', 'print {token, id} as JSON')
    .action(async (o: { tenant: string; table: string; label: string; expires?: Date; rate?: number; burst?: number; operator: boolean; token?: string; json?: boolean }) => {
      const created = await createToken(store(o.table), {
        tenant: o.tenant,
        label: o.label,
        operator: o.operator,
        ...(o.expires !== undefined ? { expiresAt: o.expires.toISOString() } : {}),
        ...(o.rate !== undefined ? { rate: o.rate } : {}),
        ...(o.burst !== undefined ? { burst: o.burst } : {}),
        ...(o.token !== undefined ? { token: o.token } : {}),
      });
      if (o.json === true) return print(created);
      console.log(`${o.operator ? 'operator ' : ''}token ${created.id} for tenant ${o.tenant}${o.expires !== undefined ? `, until ${o.expires.toISOString()}` : ''} (shown once; only its hash is stored):\n${created.token}`);
    });

  tokens
    .command('list')
    .description('every token: id, prefix, tenant, created, expires, revoked — never the secret')
    .addOption(table())
    .option('--json', 'as JSON')
    .action(async (o: { table: string; json?: boolean }) => {
      const items = await listTokens(store(o.table));
      if (o.json === true) return print(items);
      if (items.length === 0) return console.log('no tokens (tokens made by add-token before `tokens` existed are not listed)');
      console.log(`${'id'.padEnd(12)}  ${'prefix'.padEnd(8)}  ${'tenant'.padEnd(20)}  ${'created'.padEnd(20)}  ${'expires'.padEnd(20)}  ${'revoked'.padEnd(20)}  limit`);
      for (const t of items) console.log(row(t));
    });

  tokens
    .command('revoke')
    .description(`refuse a token from now on: 401 within ${VERDICT_CACHE_MS / 1000} s (the authorizer's cache time)`)
    .argument('<id>', 'the id `tokens list` shows')
    .addOption(table())
    .action(async (id: string, o: { table: string }) => {
      await revokeToken(store(o.table), id, new Date());
      console.log(`revoked token ${id}: refused within ${VERDICT_CACHE_MS / 1000} s`);
    });
  return tokens;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number above 0');
  return n;
}

const time = (iso: string | undefined): string => (iso === undefined ? '-' : iso.slice(0, 19).replace('T', ' '));

function row(t: TokenListing): string {
  const limit = t.rate === undefined ? '-' : `${t.rate}/s burst ${t.burst ?? '-'}`;
  return `${t.id.padEnd(12)}  ${(t.prefix ?? '').padEnd(8)}  ${`${t.tenant}${t.operator ? ' (op)' : ''}`.padEnd(20)}  ${time(t.createdAt).padEnd(20)}  ${time(t.expiresAt).padEnd(20)}  ${time(t.revokedAt).padEnd(20)}  ${limit}`;
}

/**
 * Adds an API token for a tenant to a deployed stack's table. The token is
 * printed once; only its SHA-256 hash is stored.
 *
 *   npm run add-token -- --tenant acme [--table <TableName output>] [--label ci]
 *
 * Uses the usual AWS credentials and region (AWS_PROFILE, AWS_REGION, …) and
 * AWS_ENDPOINT_URL when set.
 */
import { parseArgs } from 'node:util';
import { createDocumentClient, endpointsFromEnv } from '../shared/adapters/aws-clients.js';
import { DynamoDbTokenStore } from '../shared/adapters/dynamodb/dynamodb-token-store.js';
import { generateToken, hashToken } from '../shared/domain/token.js';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    table: { type: 'string', default: process.env.TABLE_NAME },
    label: { type: 'string', default: 'added by add-token' },
    token: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help || !values.tenant || !values.table) {
  console.log(`usage: npm run add-token -- --tenant <tenant> --table <table name> [--label <text>] [--token <token>]

  --tenant   the tenant the token acts for; a tenant sees only its own tasks
  --table    the stack's TableName output (or set TABLE_NAME)
  --label    a note stored beside the hash
  --token    use this token instead of generating one`);
  process.exit(values.help ? 0 : 2);
}

const token = values.token ?? generateToken();
const store = new DynamoDbTokenStore(createDocumentClient(endpointsFromEnv()), values.table);
await store.put(hashToken(token), values.tenant, values.label ?? '');
console.log(`token for tenant ${values.tenant} (shown once; only its hash is stored):\n${token}`);

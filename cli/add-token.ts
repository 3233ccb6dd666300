/**
 * Adds an API token for a tenant to a deployed stack's table. The token is
 * printed once; only its SHA-256 hash is stored.
 *
 *   npm run add-token -- --tenant acme [--table <TableName output>] [--label ci] [--operator]
 *
 * Uses the usual AWS credentials and region (AWS_PROFILE, AWS_REGION, …) and
 * AWS_ENDPOINT_URL when set.
 */
import { parseArgs } from 'node:util';
import { createDocumentClient, endpointsFromEnv } from '../shared/adapters/aws-clients.js';
import { DynamoDbTokenStore } from '../shared/adapters/dynamodb/dynamodb-token-store.js';
import { isTenantName, TENANT_RULE } from '../shared/domain/tenant.js';
import { generateToken } from '../shared/domain/token.js';
import { addToken } from '../shared/services/authorize.js';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    table: { type: 'string', default: process.env.TABLE_NAME },
    label: { type: 'string', default: 'added by add-token' },
    token: { type: 'string' },
    operator: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help || !values.tenant || !values.table) {
  console.log(`usage: npm run add-token -- --tenant <tenant> --table <table name> [--label <text>] [--token <token>] [--operator]

  --tenant    the tenant the token acts for; a tenant sees only its own tasks
              (${TENANT_RULE})
  --table     the stack's TableName output (or set TABLE_NAME)
  --label     a note stored beside the hash
  --token     use this token instead of generating one
  --operator  the token also sees pool-wide figures in GET /stats: every pool's
              queue and dead-letter depths and circuits (shared by all tenants)`);
  process.exit(values.help ? 0 : 2);
}

if (!isTenantName(values.tenant)) {
  console.error(`"${values.tenant}" is not a tenant name: use ${TENANT_RULE}.`);
  process.exit(2);
}

const token = values.token ?? generateToken();
const store = new DynamoDbTokenStore(createDocumentClient(endpointsFromEnv()), values.table);
await addToken(store, token, values.tenant, values.label ?? '', { operator: values.operator === true });
console.log(`${values.operator ? 'operator ' : ''}token for tenant ${values.tenant} (shown once; only its hash is stored):\n${token}`);

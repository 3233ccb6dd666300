/**
 * The key scheme of the one table. Every item holding a tenant's data has a
 * partition key that starts with the tenant: `<tenant>#<kind>#<id>`, with a
 * lower-case `kind` (`task`, `idem`, `job`, `agent`, `webhook`, `schedule`, ...;
 * a job's idempotency key is `jobidem`, its stored items `jobchunk` with the id
 * `<jobId>#<n>`: job ids are generated, never hold `#`, so chunk keys cannot collide).
 * System items start with an upper-case word (`TOKEN#`, `CIRCUIT#`, `SHARD#`),
 * which no tenant name can (see domain/tenant.ts), so no two keys can collide.
 */
export function tenantKey(tenant: string, kind: string, id: string): string {
  return `${tenant}#${kind}#${id}`;
}

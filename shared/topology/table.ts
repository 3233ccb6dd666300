/**
 * The one DynamoDB table: tasks, idempotency keys, API tokens (later jobs,
 * workers, counters). The CDK stack and local provisioning both build it from
 * this description, so the key names below are the only copy.
 *
 * Item keys (pk / sk):
 *   TASK#<id>            / TASK      the task record (payload included)
 *   IDEM#<tenant>#<key>  / IDEM      idempotency key → task id
 *   TOKEN#<sha256>       / TOKEN     an API token's hash → tenant
 *   AGENT#<id>           / AGENT     a registered external agent and its leases
 *   CIRCUIT#<pool>       / CIRCUIT   a pool's circuit breaker
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: {
    /** Tasks of a tenant in one status, oldest first: `GET /tasks?status=`. */
    byStatus: { name: 'byStatus', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** Tasks of a tenant in one pool, by status then age: `GET /tasks?pool=[&status=]`. */
    byPool: { name: 'byPool', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    /** All tasks of a tenant, oldest first: `GET /tasks`. */
    byTenant: { name: 'byTenant', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    /**
     * Sparse: only tasks written but not yet confirmed on their queue carry
     * `outboxPk`, sharded so the submit path does not write one hot partition.
     */
    outbox: { name: 'outbox', partitionKey: 'outboxPk', sortKey: 'outboxSk' },
  },
  /** Attributes the list indexes carry, so a list never reads payloads. */
  listAttributes: [
    'id', 'tenant', 'type', 'status', 'pool', 'priority', 'attempts', 'maxAttempts',
    'createdAt', 'updatedAt', 'startedAt', 'finishedAt',
    // agents share the byTenant index (under `<tenant>#agents`) for /stats
    'lastSeenAt',
  ],
  /** What the outbox index carries: enough to enqueue without reading the record. */
  outboxAttributes: ['id', 'tenant', 'pool', 'priority', 'delaySeconds', 'createdAt'],
  outboxShards: 8,
} as const;

export type IndexName = keyof typeof TABLE.indexes;

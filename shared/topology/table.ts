/**
 * The one DynamoDB table: tasks, idempotency keys, jobs, agents, tokens, circuits.
 * The CDK stack and local provisioning both build it from this description, so
 * the key names below are the only copy. See docs/architecture.md, "Data layer".
 *
 * Items (pk / sk) — every tenant's key starts with the tenant (shared/topology/keys.ts):
 *   <tenant>#tasks#<nn>     / task#<id>   a task record whose id is a UUIDv7 (every id the API
 *                                         makes), in `taskShards` shards: a query of them lists a
 *                                         tenant's tasks by creation, with no index entry
 *   <tenant>#task#<id>      / task        a task record with any other id (chosen by a client, or
 *                                         made before ids were UUIDv7s)
 *   <tenant>#idem#<key>     / idem        idempotency key → task id (7-day TTL)
 *   <tenant>#job#<id>       / job         a job; its child counters beside it: / count#<nn>
 *   <tenant>#jobidem#<key>  / jobidem     a job's idempotency key → job id (7-day TTL)
 *   <tenant>#jobchunk#<id>#<n> / jobchunk  chunk n of a job's items, until expanded (7-day TTL)
 *   <tenant>#agent#<id>     / agent       a registered agent and the leases it holds
 *   <tenant>#counts         / n#<nn>      the tenant's task counts by status (sharded)
 *   <tenant>#minutes        / m#<minute>#<n>  per-minute aggregates for /stats (sharded, 26 h TTL); / ~depth#<n> PENDING per priority
 *   <tenant>#whdeliveries#<webhook> / d#<delivery>  a webhook delivery that failed at least once (14-day TTL)
 *   TOKEN#<sha256>          / TOKEN       an API token's hash → tenant
 *   CIRCUIT#<pool>          / CIRCUIT#<tenant>#<type>  the circuit breaker of a tenant × task type on a pool
 *
 * Indexes. None has a key attribute that changes while a task runs, so claims,
 * progress, heartbeats and completions write no index entry:
 *   list    the tasks the table does not list itself (ids that are not UUIDv7s), by
 *           creation, in `listShards` shards (`<tenant>#tasks#<n>` / `<createdAt>#<id>`),
 *           written once; also a
 *           tenant's agents (`<tenant>#agents`), jobs (`<tenant>#jobs`) and concurrency
 *           keys (`<tenant>#conckeys#all`).
 *   status  only tasks that ended FAILED, CANCELLED or EXPIRED (`<tenant>#<status>#<n>`),
 *           so the unhappy few can be listed without reading the happy many.
 *   ready   PENDING tasks of agent pools (`<tenant>#<pool>#ready#<n>` / a sort key
 *           packing priority, aging, deadline and order): what a scheduler leases from.
 *   due     timers (`DUE#<kind>#<n>` / `<at>#<tenant>#<id>`): delayed Lambda-pool
 *           tasks, deadlines of agent-pool tasks, unconfirmed follow-ups, active
 *           jobs. Sparse: a task has at most one timer. Also the agents holding
 *           leases (`DUE#agent#<n>` / `<tenant>#<id>`), which the sweep checks.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: {
    list: { name: 'list', partitionKey: 'lpk', sortKey: 'lsk', projection: ['id', 'tenant', 'type', 'pool', 'priority'] },
    status: { name: 'status', partitionKey: 'spk', sortKey: 'ssk', projection: ['id', 'tenant', 'type', 'pool', 'priority'] },
    ready: {
      name: 'ready',
      partitionKey: 'rpk',
      sortKey: 'rsk',
      // What a scheduling policy decides on; none of these change while a task is PENDING.
      projection: ['id', 'tenant', 'pool', 'type', 'priority', 'requires', 'resources', 'placement', 'deadline', 'availableAt', 'createdAt', 'readySince'],
    },
    due: { name: 'due', partitionKey: 'dpk', sortKey: 'dsk', projection: ['id', 'tenant', 'dueKind', 'dueAt'] },
  },
  /** Shards of a tenant's task list in the `list` and `status` indexes: each takes 1/16 of those writes. */
  listShards: 16,
  /**
   * Shards of a tenant's tasks in the table itself: every write of a task (create,
   * claim, heartbeat, end) lands in one, so each takes ~1.6 % of a tenant's writes,
   * and a tenant's writes spread over 64 partition keys (a list page queries all 64).
   */
  taskShards: 64,
  /** Shards of each timer kind. */
  dueShards: 8,
} as const;

import type { Priority } from '../domain/priority.js';
import type { SchedulingConfig } from '../domain/scheduling/config.js';

/**
 * A pool is a named set of capabilities with its own DLQs (one per priority) and
 * its own workers: a Lambda pool also has a work queue per priority (its worker's
 * event source); an agent pool has none (agents lease from the table's ready set).
 * A task goes to the most specific pool that offers every capability it `requires`.
 */
export interface PoolConfig {
  /** Lower-case name, used in queue and function names. */
  readonly name: string;
  /** What this pool's workers can do; a task's `requires` must be a subset. */
  readonly capabilities: readonly string[];
  /**
   * Who runs its tasks: a worker Lambda fed by the pool's work queues (`lambda`), or
   * external agents leasing them over the HTTP API (`agents`: no work queues). @default 'lambda'
   */
  readonly runsOn?: 'lambda' | 'agents';
  /** Lambda worker timeout. The queues' visibility timeout is 6× this. @default 60 */
  readonly workerTimeoutSeconds?: number;
  /** The largest `maxAttempts` a task in this pool may ask for. @default 25 */
  readonly maxAttempts?: number;
  /**
   * How many times a message may be handed back without burning an attempt
   * (circuit open, lease released, backoff). Added to `maxAttempts` to derive
   * the SQS `maxReceiveCount` backstop. @default 25
   */
  readonly maxReleases?: number;
  /** Lambda event-source-mapping MaximumConcurrency per priority queue. */
  readonly concurrency?: Partial<Record<Priority, number>>;
  /** Messages per worker invocation. @default 10 */
  readonly batchSize?: number;
  /** Seconds to gather a batch. @default 0 */
  readonly batchingWindowSeconds?: number;
  /** Backoff between attempts: full jitter over base·2^(attempt-1), capped. @default { baseSeconds: 2, capSeconds: 300 } */
  readonly retry?: { readonly baseSeconds?: number; readonly capSeconds?: number };
  /** The pool's circuit breaker. @default { failureThreshold: 5, cooldownSeconds: 30 } */
  readonly circuit?: { readonly failureThreshold?: number; readonly cooldownSeconds?: number };
  /**
   * `runsOn: 'agents'` only: agents declare any skills, and a task requiring
   * capabilities no fixed pool offers routes here; admission checks them against
   * the registered agents. @default false
   */
  readonly openCapabilities?: boolean;
  /** `runsOn: 'agents'` only: accept tasks no registered agent could run, instead of 422. @default false */
  readonly acceptUnmatched?: boolean;
  /** `runsOn: 'agents'` only: an agent counts for admission if seen this recently. @default 86400 */
  readonly admissionWindowSeconds?: number;
  /** `runsOn: 'agents'` only: the scheduling policy's knobs (aging, deadline horizon, holdback). */
  readonly scheduling?: Partial<SchedulingConfig>;
  /**
   * How long a task may wait, per priority, before the stack's alarm on its oldest
   * waiting task fires (its queue's oldest message; an agent pool's oldest ready task). @default DEFAULT_SLA_SECONDS (critical 30 s, high 5 min, normal 2 h, low 24 h)
   */
  readonly slaSeconds?: Partial<Record<Priority, number>>;
}

/**
 * The pools of this deployment. Edit this list to add a pool: the CDK stack and
 * the local runtime both read it, so queues, DLQs and workers follow. The first
 * pool is the default: tasks that require nothing go there.
 */
export const POOLS: readonly PoolConfig[] = [
  { name: 'general', capabilities: ['node', 'http'] },
  { name: 'gpu', capabilities: ['gpu', 'cuda'], runsOn: 'agents' },
  { name: 'database', capabilities: ['database', 'postgres'], runsOn: 'agents' },
  { name: 'shell', capabilities: ['shell'], runsOn: 'agents' },
  // Any other skill an agent declares (`security-review`, `cuda-12`): matched against agents, not this list.
  { name: 'agents', capabilities: [], runsOn: 'agents', openCapabilities: true },
];

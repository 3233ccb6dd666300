import { PRIORITIES, type Priority } from '../domain/priority.js';
import { resolveSla } from './sla.js';
import type { BackoffPolicy } from '../domain/backoff.js';
import type { CircuitPolicy } from '../domain/circuit-breaker.js';
import { POOLS, type PoolConfig } from './pools.js';
import type { SchedulingConfig } from '../domain/scheduling/config.js';

/** A pool with every default filled in: what the stack and the runtime use. */
export interface Pool {
  readonly name: string;
  readonly capabilities: readonly string[];
  readonly runsOn: 'lambda' | 'agents';
  readonly workerTimeoutSeconds: number;
  readonly visibilityTimeoutSeconds: number;
  readonly maxAttempts: number;
  readonly maxReleases: number;
  readonly maxReceiveCount: number;
  readonly concurrency: Readonly<Record<Priority, number>>;
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly retry: BackoffPolicy;
  readonly circuit: CircuitPolicy;
  /** Agent pools: any capability label routes here when no fixed pool offers it. */
  readonly openCapabilities: boolean;
  /** Agent pools: accept tasks no registered agent could run (instead of 422). */
  readonly acceptUnmatched: boolean;
  /** Agent pools: an agent counts for admission if seen within this many seconds. */
  readonly admissionWindowSeconds: number;
  /** Agent pools: the scheduling policy's settings (docs/architecture.md, "Scheduling policy"). */
  readonly scheduling?: Partial<SchedulingConfig>;
  /** How long a task of each priority may wait to start before the stack alarms (`slaSeconds` over the defaults). */
  readonly slaSeconds: Readonly<Record<Priority, number>>;
}

/**
 * A Lambda pool's work queue of one priority: its worker's event source, redriving
 * to the DLQ of the same pool × priority.
 */
export interface WorkQueueSpec {
  /** Name suffix, `${pool}-${priority}`: the stack and the local runtime prefix it (see `queueUrls`). */
  readonly name: string;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
}

/**
 * One pool × priority: its DLQ, and its work queue on a Lambda pool. An agent
 * pool has no work queue: agents lease its tasks from the table's ready set, so
 * nothing would consume one. Its DLQ is used (a task that fails for good there is
 * dead-lettered by the API or the sweep, and `/dlq` reads and redrives it).
 */
export interface QueueSpec {
  readonly pool: string;
  readonly priority: Priority;
  /** Stable logical key, `${pool}:${priority}`. */
  readonly key: string;
  /** DLQ name suffix, `${pool}-${priority}-dlq`. */
  readonly dlqName: string;
  /** `runsOn: 'lambda'` pools only; undefined on an agent pool. */
  readonly work?: WorkQueueSpec;
}

/** A pool × priority that has a work queue: a Lambda pool's. */
export type WorkQueuedSpec = QueueSpec & { readonly work: WorkQueueSpec };

/** Whether a pool × priority has a work queue (its pool runs on Lambda). */
export function hasWorkQueue(spec: QueueSpec): spec is WorkQueuedSpec {
  return spec.work !== undefined;
}

export const DEFAULT_CONCURRENCY: Readonly<Record<Priority, number>> = {
  critical: 8,
  high: 4,
  normal: 2,
  low: 2,
};

export const POOL_DEFAULTS = {
  workerTimeoutSeconds: 60,
  maxAttempts: 25,
  maxReleases: 25,
  batchSize: 10,
  batchingWindowSeconds: 0,
  retry: { baseSeconds: 2, capSeconds: 300 },
  circuit: { failureThreshold: 5, cooldownSeconds: 30 },
  admissionWindowSeconds: 24 * 3600,
} as const;

/** Lambda's floor for an SQS event source's MaximumConcurrency. */
const MIN_MAPPING_CONCURRENCY = 2;

/** SQS caps maxReceiveCount at 1000 and visibility at 12 hours. */
const SQS_MAX_RECEIVE_COUNT = 1000;
const SQS_MAX_VISIBILITY_SECONDS = 43_200;

export function resolvePool(config: PoolConfig): Pool {
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(config.name)) {
    throw new Error(`pool name "${config.name}" must be lower-case letters, digits and dashes`);
  }
  const workerTimeoutSeconds = config.workerTimeoutSeconds ?? POOL_DEFAULTS.workerTimeoutSeconds;
  const maxAttempts = config.maxAttempts ?? POOL_DEFAULTS.maxAttempts;
  const maxReleases = config.maxReleases ?? POOL_DEFAULTS.maxReleases;
  const concurrency = { ...DEFAULT_CONCURRENCY, ...config.concurrency };
  for (const [priority, n] of Object.entries(concurrency)) {
    if (!Number.isInteger(n) || n < MIN_MAPPING_CONCURRENCY || n > 1000) {
      throw new Error(`pool "${config.name}": concurrency.${priority} must be an integer from 2 to 1000 (Lambda's limits)`);
    }
  }
  const batchSize = config.batchSize ?? POOL_DEFAULTS.batchSize;
  const batchingWindowSeconds = config.batchingWindowSeconds ?? POOL_DEFAULTS.batchingWindowSeconds;
  // Lambda's SQS mapping: above 10 a batch needs a batching window to fill it.
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000 || (batchSize > 10 && batchingWindowSeconds <= 0)) {
    throw new Error(`pool "${config.name}": batchSize must be 1-10 (up to 10000 with batchingWindowSeconds > 0)`);
  }
  return {
    name: config.name,
    capabilities: [...new Set(config.capabilities)].sort(),
    slaSeconds: resolveSla(config.name, config.slaSeconds),
    runsOn: config.runsOn ?? 'lambda',
    workerTimeoutSeconds,
    // Lambda's guidance for SQS sources: visibility ≥ 6× the function timeout,
    // so a throttled batch is not redelivered while still being retried.
    visibilityTimeoutSeconds: Math.min(6 * workerTimeoutSeconds, SQS_MAX_VISIBILITY_SECONDS),
    maxAttempts,
    maxReleases,
    // Attempts are counted in DynamoDB; SQS redrive is only the backstop for
    // messages that kill a worker before it records anything, so it must allow
    // every attempt plus every release a message can see.
    maxReceiveCount: Math.min(maxAttempts + maxReleases, SQS_MAX_RECEIVE_COUNT),
    concurrency,
    batchSize,
    batchingWindowSeconds,
    retry: { ...POOL_DEFAULTS.retry, ...config.retry },
    circuit: { ...POOL_DEFAULTS.circuit, ...config.circuit },
    openCapabilities: config.openCapabilities ?? false,
    acceptUnmatched: config.acceptUnmatched ?? false,
    admissionWindowSeconds: config.admissionWindowSeconds ?? POOL_DEFAULTS.admissionWindowSeconds,
    ...(config.scheduling !== undefined ? { scheduling: config.scheduling } : {}),
  };
}

export interface Topology {
  readonly pools: readonly Pool[];
  readonly queues: readonly QueueSpec[];
}

export function buildTopology(configs: readonly PoolConfig[]): Topology {
  const pools = configs.map(resolvePool);
  const names = new Set<string>();
  for (const pool of pools) {
    if (names.has(pool.name)) throw new Error(`pool "${pool.name}" is declared twice`);
    names.add(pool.name);
  }
  const queues = pools.flatMap((pool) =>
    PRIORITIES.map((priority): QueueSpec => ({
      pool: pool.name,
      priority,
      key: queueKey(pool.name, priority),
      dlqName: `${pool.name}-${priority}-dlq`,
      ...(pool.runsOn === 'lambda'
        ? { work: { name: `${pool.name}-${priority}`, visibilityTimeoutSeconds: pool.visibilityTimeoutSeconds, maxReceiveCount: pool.maxReceiveCount } }
        : {}),
    })),
  );
  return { pools, queues };
}

export function queueKey(pool: string, priority: Priority): string {
  return `${pool}:${priority}`;
}

/**
 * Every work queue's and DLQ's URL by `QueueSpec.key`, from one prefix: a queue
 * is named `<prefix><name suffix>`, so its URL is `QUEUE_URL_PREFIX` + the suffix.
 * The functions derive every URL from the prefix, so no per-queue variable counts
 * against Lambda's 4 KB environment limit. `queueUrls` holds the Lambda pools'
 * work queues only: an agent pool's key is absent, so nothing can send its tasks
 * to SQS (SqsTaskQueue refuses a key it has no URL for).
 */
export function queueUrls(prefix: string, queues: readonly QueueSpec[]): { readonly queueUrls: Record<string, string>; readonly dlqUrls: Record<string, string> } {
  return {
    queueUrls: Object.fromEntries(queues.filter(hasWorkQueue).map((q) => [q.key, `${prefix}${q.work.name}`])),
    dlqUrls: Object.fromEntries(queues.map((q) => [q.key, `${prefix}${q.dlqName}`])),
  };
}

/** The queue URL prefix of a queue whose URL is known: its URL without its name suffix; throws if it does not end so. */
export function queueUrlPrefixOf(url: string, nameSuffix: string): string {
  if (!url.endsWith(nameSuffix)) {
    throw new Error(`queue URL ${url} does not end with its name ${nameSuffix}`);
  }
  return url.slice(0, url.length - nameSuffix.length);
}

/** The topology of this deployment, from `pools.ts`. */
export const TOPOLOGY: Topology = buildTopology(POOLS);

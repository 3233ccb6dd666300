import { Duration } from 'aws-cdk-lib';
import { EventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { PRIORITIES, type Priority } from '../../shared/domain/priority.js';
import type { Access } from '../../shared/topology/access.js';
import { POOL_WORKER_MEMORY_MB } from '../../shared/topology/memory.js';
import { WORKER_POOL_ENV } from '../../shared/topology/routes.js';
import type { Pool } from '../../shared/topology/topology.js';
import { grantAccess, type AccessResources } from './grant-access.js';
import type { WorkPoolQueue } from './pool-queues.js';
import { TaskfleetFunction } from './taskfleet-function.js';

export interface PoolWorkerProps {
  /** The pool this worker serves (a resolved `TOPOLOGY.pools` entry with `runsOn: 'lambda'`). */
  readonly pool: Pool;
  /** The worker's handler module: `WORKER_ENTRY`. */
  readonly entry: string;
  /** The pool's work queues, exactly one per priority, each with its DLQ (`PoolQueues.forLambdaPool`). */
  readonly queues: readonly WorkPoolQueue[];
  /** What it may do: `WORKER_ACCESS` (its `own*` targets are this pool's queues). */
  readonly access: Access;
  /** The table and the shared queues its access names. */
  readonly resources: Omit<AccessResources, 'ownWorkQueues' | 'ownDeadLetters'>;
  /** Set on the function (TABLE_NAME, QUEUE_URL_PREFIX); `POOL_NAME` is added. */
  readonly environment: Readonly<Record<string, string>>;
  /** @default POOL_WORKER_MEMORY_MB (1024) */
  readonly memorySize?: number;
  /** Reserve `reservedConcurrency(pool)` for the worker. @default true */
  readonly reserveConcurrency?: boolean;
}

/**
 * The concurrency a pool's worker reserves: the sum of its four mappings'
 * MaximumConcurrency, which already bounds it. Reserving that much (never less:
 * below it Lambda would throttle batches the mappings already polled instead of
 * leaving them on the queue) keeps a flood on another pool, or any other function
 * in the account, from taking the capacity this pool needs.
 */
export function reservedConcurrency(pool: Pool): number {
  return PRIORITIES.reduce((sum, priority) => sum + pool.concurrency[priority], 0);
}

/**
 * One `runsOn: 'lambda'` pool's worker: a Lambda fed by the pool's four
 * priority queues, one event-source mapping each, with partial batch responses and a
 * MaximumConcurrency per priority (critical gets the most concurrent
 * invocations; every priority keeps at least two, so low is never starved).
 *
 * It is granted its declared access (`WORKER_ACCESS`): it consumes its own
 * pool's work queues, sends to its own pool's DLQs (the worker dead-letters a
 * task itself when its attempts run out), and sends to every work queue (a
 * next stage or a reduce may route to any pool).
 *
 * A `runsOn: 'agents'` pool has no worker (this construct refuses one) and no
 * work queues: agents lease its tasks from the table's ready set over the API.
 */
export class PoolWorker extends Construct {
  public readonly pool: Pool;
  public readonly function: TaskfleetFunction;
  /** The event-source mappings, by priority. */
  public readonly eventSources: ReadonlyMap<Priority, EventSourceMapping>;

  constructor(scope: Construct, id: string, props: PoolWorkerProps) {
    super(scope, id);
    const { pool } = props;
    if (pool.runsOn !== 'lambda') {
      throw new Error(`pool "${pool.name}" runs on ${pool.runsOn}, not on a Lambda worker`);
    }
    this.pool = pool;
    const byPriority = queuesByPriority(pool, props.queues);

    this.function = new TaskfleetFunction(this, 'Function', {
      entry: props.entry,
      description: `taskfleet worker for pool ${pool.name}`,
      environment: { ...props.environment, [WORKER_POOL_ENV]: pool.name },
      memorySize: props.memorySize ?? POOL_WORKER_MEMORY_MB,
      timeout: Duration.seconds(pool.workerTimeoutSeconds),
      // Reserved: carved out of the account's unreserved concurrency even when idle
      // (an account must keep 100 unreserved; docs/deploy.md says what to do below that).
      ...((props.reserveConcurrency ?? true) ? { reservedConcurrentExecutions: reservedConcurrency(pool) } : {}),
    });
    grantAccess(this.function, props.access, {
      ...props.resources,
      ownWorkQueues: props.queues.map((q) => q.work.queue),
      ownDeadLetters: props.queues.map((q) => q.dlq),
    });

    // EventSourceMapping rather than SqsEventSource: the latter also grants
    // grantConsumeMessages (GetQueueUrl included) on bind, beyond the declared access.
    const eventSources = new Map<Priority, EventSourceMapping>();
    for (const priority of PRIORITIES) {
      const { queue } = byPriority.get(priority)!.work;
      const mapping = new EventSourceMapping(this, `Source-${priority}`, {
        target: this.function.function,
        eventSourceArn: queue.queueArn,
        batchSize: pool.batchSize,
        ...(pool.batchingWindowSeconds > 0 ? { maxBatchingWindow: Duration.seconds(pool.batchingWindowSeconds) } : {}),
        reportBatchItemFailures: true,
        maxConcurrency: pool.concurrency[priority],
      });
      eventSources.set(priority, mapping);
    }
    this.eventSources = eventSources;
  }
}

/** The pool's queues by priority; throws unless there is exactly one per priority, all of this pool. */
function queuesByPriority(pool: Pool, queues: readonly WorkPoolQueue[]): Map<Priority, WorkPoolQueue> {
  const byPriority = new Map<Priority, WorkPoolQueue>();
  for (const q of queues) {
    if (q.spec.pool !== pool.name) {
      throw new Error(`queue "${q.spec.key}" does not belong to pool "${pool.name}"`);
    }
    if (byPriority.has(q.spec.priority)) throw new Error(`pool "${pool.name}" has two ${q.spec.priority} queues`);
    byPriority.set(q.spec.priority, q);
  }
  const missing = PRIORITIES.filter((p) => !byPriority.has(p));
  if (missing.length > 0) throw new Error(`pool "${pool.name}" has no queue for ${missing.join(', ')}`);
  return byPriority;
}

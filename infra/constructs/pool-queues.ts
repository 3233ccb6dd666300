import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueSpec } from '../../shared/topology/topology.js';

/** A work queue and the DLQ it redrives to. */
export interface PoolQueue {
  readonly spec: QueueSpec;
  readonly queue: Queue;
  readonly dlq: Queue;
}

export interface PoolQueuesProps {
  /** One work queue (+ DLQ) per entry: `TOPOLOGY.queues`. */
  readonly queues: readonly QueueSpec[];
  /** How long a dead letter waits for inspection or redrive. @default Duration.days(14) (the SQS maximum) */
  readonly dlqRetention?: Duration;
}

/**
 * The SQS standard queues of every pool × priority, each with its own redrive DLQ.
 * Visibility timeout and `maxReceiveCount` come from the spec: attempts are counted
 * in DynamoDB, so SQS redrive is only the backstop for poison messages.
 */
export class PoolQueues extends Construct {
  /** By `QueueSpec.key` (`<pool>:<priority>`), the key of QUEUE_URLS / DLQ_URLS. */
  public readonly byKey: ReadonlyMap<string, PoolQueue>;

  constructor(scope: Construct, id: string, props: PoolQueuesProps) {
    super(scope, id);
    const byKey = new Map<string, PoolQueue>();
    for (const spec of props.queues) {
      if (byKey.has(spec.key)) throw new Error(`queue "${spec.key}" is declared twice`);
      const dlq = new Queue(this, spec.dlqName, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: props.dlqRetention ?? Duration.days(14),
      });
      const queue = new Queue(this, spec.name, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
      });
      byKey.set(spec.key, { spec, queue, dlq });
    }
    this.byKey = byKey;
  }

  /** The work queues (not the DLQs): what `sendToQueues` grants. */
  get workQueues(): Queue[] {
    return [...this.byKey.values()].map((q) => q.queue);
  }

  /** The DLQs, one per work queue. */
  get deadLetterQueues(): Queue[] {
    return [...this.byKey.values()].map((q) => q.dlq);
  }

  /** One pool's work queues with their DLQs, one per priority. */
  forPool(pool: string): PoolQueue[] {
    return [...this.byKey.values()].filter((q) => q.spec.pool === pool);
  }

  /** `{"<pool>:<priority>": url}` for the work queues, still holding tokens. */
  queueUrls(): Record<string, string> {
    return Object.fromEntries([...this.byKey].map(([key, q]) => [key, q.queue.queueUrl]));
  }

  /** `{"<pool>:<priority>": url}` for the DLQs, still holding tokens. */
  dlqUrls(): Record<string, string> {
    return Object.fromEntries([...this.byKey].map(([key, q]) => [key, q.dlq.queueUrl]));
  }
}

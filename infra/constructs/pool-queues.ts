import { Duration, Token } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueSpec } from '../../shared/topology/topology.js';

/** A work queue and the DLQ it redrives to. */
export interface PoolQueue {
  readonly spec: QueueSpec;
  readonly queue: Queue;
  readonly dlq: Queue;
  /**
   * The queues' names as text (`queue.queueName` is a reference): a nested stack
   * that names a queue only in a metric's dimension needs no parameter for it.
   */
  readonly queueName: string;
  readonly dlqName: string;
}

export interface PoolQueuesProps {
  /** One work queue (+ DLQ) per entry: `TOPOLOGY.queues`. */
  readonly queues: readonly QueueSpec[];
  /**
   * Each queue is named `<namePrefix><spec.name>` (DLQs `<namePrefix><spec.dlqName>`), so the
   * functions derive every URL from one `QUEUE_URL_PREFIX` instead of a variable per queue.
   */
  readonly namePrefix: string;
  /** How long a work queue keeps a message nobody took. @default Duration.days(14) (the SQS maximum: an agent task may wait long) */
  readonly retention?: Duration;
  /** How long a dead letter waits for inspection or redrive. @default Duration.days(14) (the SQS maximum) */
  readonly dlqRetention?: Duration;
}

/**
 * The SQS standard queues of every pool × priority, each with its own redrive DLQ.
 * Visibility timeout and `maxReceiveCount` come from the spec: attempts are counted
 * in DynamoDB, so SQS redrive is only the backstop for poison messages.
 */
export class PoolQueues extends Construct {
  /** By `QueueSpec.key` (`<pool>:<priority>`). */
  public readonly byKey: ReadonlyMap<string, PoolQueue>;

  constructor(scope: Construct, id: string, props: PoolQueuesProps) {
    super(scope, id);
    const byKey = new Map<string, PoolQueue>();
    for (const spec of props.queues) {
      if (byKey.has(spec.key)) throw new Error(`queue "${spec.key}" is declared twice`);
      const names = { queueName: queueName(props.namePrefix, spec.name), dlqName: queueName(props.namePrefix, spec.dlqName) };
      const dlq = new Queue(this, spec.dlqName, {
        queueName: names.dlqName,
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: props.dlqRetention ?? Duration.days(14),
      });
      const queue = new Queue(this, spec.name, {
        queueName: names.queueName,
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: props.retention ?? Duration.days(14),
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
      });
      byKey.set(spec.key, { spec, queue, dlq, ...names });
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

}

/** SQS: up to 80 letters, digits, `-` and `_`. */
function queueName(prefix: string, name: string): string {
  const full = `${prefix}${name}`;
  if (!Token.isUnresolved(full) && !/^[A-Za-z0-9_-]{1,80}$/.test(full)) {
    throw new Error(`queue name "${full}" must be 1-80 letters, digits, - or _ (shorten the stack name or the pool name)`);
  }
  return full;
}

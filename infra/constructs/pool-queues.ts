import { Duration, Token, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueSpec } from '../../shared/topology/topology.js';

/** A Lambda pool's work queue of one priority. */
export interface WorkQueue {
  readonly queue: Queue;
  /**
   * Its name as text (`queue.queueName` is a reference): a nested stack that names
   * a queue only in a metric's dimension needs no parameter for it.
   */
  readonly queueName: string;
}

/** One pool × priority: its DLQ, and on a Lambda pool the work queue that redrives to it. */
export interface PoolQueue {
  readonly spec: QueueSpec;
  readonly dlq: Queue;
  /** The DLQ's name as text (see `WorkQueue.queueName`). */
  readonly dlqName: string;
  /** Lambda pools only (`spec.work`): an agent pool's tasks wait in the table's ready set. */
  readonly work?: WorkQueue;
}

/** A pool × priority with a work queue: what a Lambda pool's worker consumes. */
export type WorkPoolQueue = PoolQueue & { readonly work: WorkQueue };

export interface PoolQueuesProps {
  /** A DLQ per entry, and a work queue where the entry has one (`spec.work`): `TOPOLOGY.queues`. */
  readonly queues: readonly QueueSpec[];
  /**
   * Each queue is named `<namePrefix><spec.work.name>` (DLQs `<namePrefix><spec.dlqName>`), so the
   * functions derive every URL from one `QUEUE_URL_PREFIX` instead of a variable per queue.
   */
  readonly namePrefix: string;
  /** How long a work queue keeps a message nobody took. @default Duration.days(14) (the SQS maximum) */
  readonly retention?: Duration;
  /** How long a dead letter waits for inspection or redrive. @default Duration.days(14) (the SQS maximum) */
  readonly dlqRetention?: Duration;
}

/**
 * The SQS standard queues of every pool × priority: a DLQ each, and for a Lambda
 * pool a work queue redriving to it. An agent pool gets no work queue (nothing
 * would consume it; upgrading a stack that had them deletes them). Visibility
 * timeout and `maxReceiveCount` come from the spec: attempts are counted in
 * DynamoDB, so SQS redrive is only the backstop for poison messages.
 */
export class PoolQueues extends Construct {
  /** By `QueueSpec.key` (`<pool>:<priority>`): every pool × priority. */
  public readonly byKey: ReadonlyMap<string, PoolQueue>;

  constructor(scope: Construct, id: string, props: PoolQueuesProps) {
    super(scope, id);
    const byKey = new Map<string, PoolQueue>();
    for (const spec of props.queues) {
      if (byKey.has(spec.key)) throw new Error(`queue "${spec.key}" is declared twice`);
      const dlqName = queueName(props.namePrefix, spec.dlqName);
      const dlq = new Queue(this, spec.dlqName, {
        queueName: dlqName,
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: props.dlqRetention ?? Duration.days(14),
      });
      if (spec.work === undefined) {
        Validations.of(dlq).acknowledge({
          id: 'AwsSolutions-SQS3',
          reason: 'This queue is itself a dead-letter queue: an agent pool has no work queue to redrive to it; the API and the sweep send its tasks\' dead letters here.',
        });
        byKey.set(spec.key, { spec, dlq, dlqName });
        continue;
      }
      const name = queueName(props.namePrefix, spec.work.name);
      // The construct id is the name suffix, as before agent pools lost their queues: logical ids stay put.
      const queue = new Queue(this, spec.work.name, {
        queueName: name,
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: props.retention ?? Duration.days(14),
        visibilityTimeout: Duration.seconds(spec.work.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: dlq, maxReceiveCount: spec.work.maxReceiveCount },
      });
      byKey.set(spec.key, { spec, dlq, dlqName, work: { queue, queueName: name } });
    }
    this.byKey = byKey;
  }

  /** The work queues (Lambda pools'; not the DLQs): what `workQueues` grants stand for. */
  get workQueues(): Queue[] {
    return [...this.byKey.values()].flatMap((q) => (q.work === undefined ? [] : [q.work.queue]));
  }

  /** The DLQs, one per pool × priority. */
  get deadLetterQueues(): Queue[] {
    return [...this.byKey.values()].map((q) => q.dlq);
  }

  /** One pool's DLQs (with its work queues on a Lambda pool), one per priority. */
  forPool(pool: string): PoolQueue[] {
    return [...this.byKey.values()].filter((q) => q.spec.pool === pool);
  }

  /** A Lambda pool's work queues with their DLQs; throws for a pool without work queues (an agent pool). */
  forLambdaPool(pool: string): WorkPoolQueue[] {
    return this.forPool(pool).map((q) => {
      if (q.work === undefined) throw new Error(`pool "${pool}" has no work queue for ${q.spec.priority}: it runs on agents`);
      return { ...q, work: q.work };
    });
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

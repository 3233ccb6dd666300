import { Duration, Names, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type EventSourceMapping, FilterCriteria, StartingPosition, type IEventSourceDlq } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { STREAM_FILTER_PATTERNS } from '../../shared/adapters/dynamodb/stream-records.js';
import { EVENTS_ENV } from '../../shared/events-config.js';
import {
  DELIVERY_BATCH_SIZE,
  DELIVERY_MAX_CONCURRENCY,
  EVENTS_FUNCTION_MEMORY_MB,
  STREAM_BATCH_SIZE,
  STREAM_BATCHING_WINDOW_SECONDS,
  STREAM_CONSUMER_ENTRY,
  STREAM_MAPPING,
  WEBHOOK_DELIVERY_ENTRY,
} from '../../shared/topology/events.js';
import { STREAM_CONSUMER_ACCESS, WEBHOOK_DELIVERY_ACCESS } from '../../shared/topology/routes.js';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { grantAccess } from './grant-access.js';
import { TaskfleetFunction } from './taskfleet-function.js';

export interface EventsPipelineProps {
  /** The task table; its NEW_AND_OLD_IMAGES stream feeds the consumer. */
  readonly table: ITable;
  /** The values bucket: the consumer removes a deleted record's objects. */
  readonly values: IBucket;
  /** Set on both functions (TABLE_NAME, ...). */
  readonly environment: Readonly<Record<string, string>>;
  /** The Lambda pools' work queues: a job's fan-in, run by the consumer once its children are counted, enqueues its reduce. */
  readonly workQueues: readonly IQueue[];
  /** A delivery attempt's HTTP timeout is 10 s; a batch runs concurrently. @default Duration.seconds(30) */
  readonly deliveryTimeout?: Duration;
}

/**
 * Events and webhooks: the table's stream → the stream consumer (filtered to status
 * changes, partial batch responses, bisect on error, a DLQ for records it gives up on)
 * → the events topic, the tenants' event logs, and one message per matching webhook on
 * the delivery queue → the delivery function (signs, POSTs, re-queues retries with
 * their backoff, dead-letters after 24 h). One KMS key encrypts both topics.
 */
export class EventsPipeline extends Construct {
  public readonly key: Key;
  public readonly topic: Topic;
  public readonly consumer: TaskfleetFunction;
  public readonly streamFailures: Queue;
  public readonly deliveryQueue: Queue;
  public readonly deliveryDlq: Queue;
  public readonly delivery: TaskfleetFunction;
  public readonly streamSource: EventSourceMapping;

  constructor(scope: Construct, id: string, props: EventsPipelineProps) {
    super(scope, id);
    this.key = new Key(this, 'TopicKey', { enableKeyRotation: true, description: 'taskfleet events and alarm topics' });
    // CloudWatch alarms publish to the (encrypted) operator topic: this account's alarms
    // only (aws:SourceAccount), so no other account's alarm can use the key as a confused deputy.
    this.key.grant(
      new ServicePrincipal('cloudwatch.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': Stack.of(this).account } }),
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    );
    this.topic = new Topic(this, 'Events', { displayName: 'taskfleet events', enforceSSL: true, masterKey: this.key });

    const queueProps = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true } as const;
    this.streamFailures = new Queue(this, 'StreamFailures', { ...queueProps, retentionPeriod: Duration.days(14) });
    Validations.of(this.streamFailures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter queue: the stream event-source mapping\'s on-failure destination for records it gave up on.',
    });
    this.deliveryDlq = new Queue(this, 'DeliveryDlq', { ...queueProps, retentionPeriod: Duration.days(14) });
    const deliveryTimeout = props.deliveryTimeout ?? Duration.seconds(30);
    this.deliveryQueue = new Queue(this, 'Deliveries', {
      ...queueProps,
      // Lambda's guidance for SQS sources: visibility ≥ 6× the function timeout.
      visibilityTimeout: Duration.seconds(deliveryTimeout.toSeconds() * 6),
      // Only a message that kills the function repeatedly lands here this way; the
      // function dead-letters spent deliveries itself, with the reason.
      deadLetterQueue: { queue: this.deliveryDlq, maxReceiveCount: 5 },
    });

    const environment = {
      ...props.environment,
      [EVENTS_ENV.topicArn]: this.topic.topicArn,
      [EVENTS_ENV.deliveryQueueUrl]: this.deliveryQueue.queueUrl,
      [EVENTS_ENV.deliveryDlqUrl]: this.deliveryDlq.queueUrl,
    };

    this.consumer = new TaskfleetFunction(this, 'StreamConsumer', {
      entry: STREAM_CONSUMER_ENTRY,
      description: 'Table stream → events topic, webhook deliveries, event logs, metrics',
      environment,
      memorySize: EVENTS_FUNCTION_MEMORY_MB,
      timeout: Duration.seconds(60),
    });
    // Granted exactly its declared access (shared/topology/routes.ts); the mappings below are
    // plain EventSourceMappings because DynamoEventSource / SqsEventSource / SqsDlq grant
    // more on bind (GetQueueUrl, GetQueueAttributes on the failure queue).
    const resources = {
      table: props.table,
      workQueues: props.workQueues,
      deadLetters: [],
      agentDeadLetters: [],
      values: props.values,
      events: {
        topic: this.topic,
        topicKey: this.key,
        deliveryQueue: this.deliveryQueue,
        deliveryDlq: this.deliveryDlq,
        streamFailures: this.streamFailures,
      },
    };
    grantAccess(this.consumer, STREAM_CONSUMER_ACCESS, resources);
    const streamArn = props.table.tableStreamArn;
    if (streamArn === undefined) throw new Error('the task table needs a stream for the events pipeline');
    // The id DynamoEventSource gave it: the deployed mapping (and its place in the stream) stays.
    this.streamSource = this.consumer.function.addEventSourceMapping(`DynamoDBEventSource:${Names.nodeUniqueId(props.table.node)}`, {
      eventSourceArn: streamArn,
      startingPosition: StartingPosition.LATEST,
      batchSize: STREAM_BATCH_SIZE,
      maxBatchingWindow: Duration.seconds(STREAM_BATCHING_WINDOW_SECONDS),
      bisectBatchOnError: STREAM_MAPPING.bisectBatchOnError,
      reportBatchItemFailures: true,
      retryAttempts: STREAM_MAPPING.retryAttempts,
      maxRecordAge: Duration.seconds(STREAM_MAPPING.maxRecordAgeSeconds),
      onFailure: onFailureQueue(this.streamFailures),
      filters: STREAM_FILTER_PATTERNS.map((pattern) => FilterCriteria.filter(pattern as Record<string, unknown>)),
    });
    Validations.of(this.consumer).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'The stream mapping needs dynamodb:ListStreams, which has no resource-level permissions.',
    });

    this.delivery = new TaskfleetFunction(this, 'WebhookDelivery', {
      entry: WEBHOOK_DELIVERY_ENTRY,
      description: 'Signs and POSTs webhook deliveries; retries with backoff, then dead-letters',
      environment,
      memorySize: EVENTS_FUNCTION_MEMORY_MB,
      timeout: deliveryTimeout,
    });
    grantAccess(this.delivery, WEBHOOK_DELIVERY_ACCESS, resources);
    // The id SqsEventSource gave it, so a deployed mapping is kept.
    this.delivery.function.addEventSourceMapping(`SqsEventSource:${Names.nodeUniqueId(this.deliveryQueue.node)}`, {
      eventSourceArn: this.deliveryQueue.queueArn,
      batchSize: DELIVERY_BATCH_SIZE,
      reportBatchItemFailures: true,
      maxConcurrency: DELIVERY_MAX_CONCURRENCY,
    });
  }
}

/** The mapping's on-failure destination, granting only `sqs:SendMessage` (declared in `readsTableStream`). */
function onFailureQueue(queue: Queue): IEventSourceDlq {
  return { bind: () => ({ destination: queue.queueArn }) };
}

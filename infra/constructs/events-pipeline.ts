import { acknowledgeTableIndexWildcard } from '../nag.js';
import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
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
import { TaskfleetFunction } from './taskfleet-function.js';
import { acknowledgeValuesObjects } from './values-bucket.js';

export interface EventsPipelineProps {
  /** The task table; its NEW_AND_OLD_IMAGES stream feeds the consumer. */
  readonly table: ITable;
  /** The values bucket: the consumer deletes the objects of task records removed or expired. */
  readonly values?: IBucket;
  /** Set on both functions (TABLE_NAME, ...). */
  readonly environment: Readonly<Record<string, string>>;
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
  public readonly streamSource: DynamoEventSource;

  constructor(scope: Construct, id: string, props: EventsPipelineProps) {
    super(scope, id);
    this.key = new Key(this, 'TopicKey', { enableKeyRotation: true, description: 'taskfleet events and alarm topics' });
    // CloudWatch alarms publish to the (encrypted) operator topic.
    this.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
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
    props.table.grantReadWriteData(this.consumer.role);
    acknowledgeTableIndexWildcard(this.consumer, props.table);
    this.topic.grantPublish(this.consumer.role);
    if (props.values !== undefined) {
      // Objects live as long as the records pointing to them (no lifecycle expiry): the consumer deletes them on REMOVE.
      this.consumer.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:DeleteObject'], resources: [props.values.arnForObjects('*')] }));
      acknowledgeValuesObjects(this.consumer, props.values);
    }
    this.deliveryQueue.grantSendMessages(this.consumer.role);
    this.streamSource = new DynamoEventSource(props.table, {
      startingPosition: StartingPosition.LATEST,
      batchSize: STREAM_BATCH_SIZE,
      maxBatchingWindow: Duration.seconds(STREAM_BATCHING_WINDOW_SECONDS),
      bisectBatchOnError: STREAM_MAPPING.bisectBatchOnError,
      reportBatchItemFailures: true,
      retryAttempts: STREAM_MAPPING.retryAttempts,
      maxRecordAge: Duration.seconds(STREAM_MAPPING.maxRecordAgeSeconds),
      onFailure: new SqsDlq(this.streamFailures),
      filters: STREAM_FILTER_PATTERNS.map((pattern) => FilterCriteria.filter(pattern as Record<string, unknown>)),
    });
    this.consumer.function.addEventSource(this.streamSource);
    Validations.of(this.consumer).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'DynamoEventSource grants dynamodb:ListStreams on *: the action has no resource-level permissions.',
    });
    Validations.of(this.consumer).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason: 'Publishing to the KMS-encrypted events topic needs GenerateDataKey* on that one key (topic.grantPublish).',
    });

    this.delivery = new TaskfleetFunction(this, 'WebhookDelivery', {
      entry: WEBHOOK_DELIVERY_ENTRY,
      description: 'Signs and POSTs webhook deliveries; retries with backoff, then dead-letters',
      environment,
      memorySize: EVENTS_FUNCTION_MEMORY_MB,
      timeout: deliveryTimeout,
    });
    props.table.grantReadWriteData(this.delivery.role);
    acknowledgeTableIndexWildcard(this.delivery, props.table);
    this.deliveryQueue.grantSendMessages(this.delivery.role);
    this.deliveryDlq.grantSendMessages(this.delivery.role);
    this.delivery.function.addEventSource(
      new SqsEventSource(this.deliveryQueue, { batchSize: DELIVERY_BATCH_SIZE, reportBatchItemFailures: true, maxConcurrency: DELIVERY_MAX_CONCURRENCY }),
    );
  }
}

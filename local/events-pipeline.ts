import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { AppServices } from '../shared/composition.js';
import { EVENTS_ENV } from '../shared/events-config.js';
import { DELIVERY_BATCH_SIZE, STREAM_BATCH_SIZE, STREAM_CONSUMER_ENTRY, STREAM_MAPPING, WEBHOOK_DELIVERY_ENTRY } from '../shared/topology/events.js';
import { lambdaContext } from './apigw-event.js';
import { importHandler } from './handler-modules.js';
import { startStreamPoller, type StreamInvocation } from './stream-poller.js';
import { filePositions } from './stream-positions.js';

export interface EventsPipelineOptions {
  readonly region: string;
  readonly tableName: string;
  /** fauxqs answers SQS and SNS on the same endpoint. */
  readonly sqsEndpoint: string;
  readonly dynamoDbEndpoint: string;
  /** Keep the stream's position in this file across restarts (a local data dir); a new mapping at every start when absent. */
  readonly streamPositionsFile?: string;
  /** A concise line per task state change (`npm start` without --quiet). */
  readonly taskLog?: (line: string) => void;
  /** The stack's services, which the consumer and the delivery function run on. */
  readonly services: () => AppServices;
  /** The stream mapping's batching window (StreamPollerOptions.batchingWindowMs); none by default. */
  readonly streamBatchingWindowMs?: number;
}

/** The events pipeline's resources in the emulators. */
export interface EventsResources {
  readonly topicArn: string;
  readonly deliveryQueueUrl: string;
  readonly deliveryDlqUrl: string;
  readonly deliveryQueueArn: string;
  /** The stream mapping's on-failure destination, as the stack's StreamFailures queue. */
  readonly streamFailuresUrl: string;
}

/** The settings (environment variables on AWS) that point the functions at these resources. */
export function eventsSettings(resources: EventsResources): Record<string, string> {
  return {
    [EVENTS_ENV.topicArn]: resources.topicArn,
    [EVENTS_ENV.deliveryQueueUrl]: resources.deliveryQueueUrl,
    [EVENTS_ENV.deliveryDlqUrl]: resources.deliveryDlqUrl,
  };
}

/** Creates the events topic (fauxqs's SNS), the webhook delivery queue and its DLQ, and the stream failures queue. */
export async function provisionEventsPipeline(options: { region: string; prefix: string; sqsEndpoint: string }): Promise<EventsResources> {
  const sns = new SNSClient({ region: options.region, endpoint: options.sqsEndpoint });
  const sqs = new SQSClient({ region: options.region, endpoint: options.sqsEndpoint });
  try {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `${options.prefix}events` }));
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${options.prefix}webhook-deliveries-dlq`, Attributes: { MessageRetentionPeriod: String(14 * 24 * 3600) } }));
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: `${options.prefix}webhook-deliveries`, Attributes: { VisibilityTimeout: '60' } }));
    const failures = await sqs.send(new CreateQueueCommand({ QueueName: `${options.prefix}stream-failures`, Attributes: { MessageRetentionPeriod: String(14 * 24 * 3600) } }));
    if (TopicArn === undefined || dlq.QueueUrl === undefined || queue.QueueUrl === undefined || failures.QueueUrl === undefined) throw new Error('provisioning the events pipeline returned nothing');
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }));
    return { topicArn: TopicArn, deliveryQueueUrl: queue.QueueUrl, deliveryDlqUrl: dlq.QueueUrl, deliveryQueueArn: Attributes?.QueueArn ?? '', streamFailuresUrl: failures.QueueUrl };
  } finally {
    sns.destroy();
    sqs.destroy();
  }
}

/**
 * The events pipeline on this machine, as the stack deploys it: the stream
 * consumer fed by DynamoDB Local's stream, and the delivery function fed by its
 * queue, both running on the stack's services (built with eventsSettings).
 */
export async function startEventsPipeline(
  resources: EventsResources,
  options: EventsPipelineOptions,
): Promise<{ streamRecordsSetAside(): number; observeStreamInvocations(observer: (invocation: StreamInvocation) => void): () => void; stop(): Promise<void> }> {
  const invocationObservers = new Set<(invocation: StreamInvocation) => void>();
  const sqs = new SQSClient({ region: options.region, endpoint: options.sqsEndpoint });
  const stream = await startStreamPoller({
    dynamoDbEndpoint: options.dynamoDbEndpoint,
    region: options.region,
    tableName: options.tableName,
    batchSize: STREAM_BATCH_SIZE,
    ...(options.streamBatchingWindowMs !== undefined ? { batchingWindowMs: options.streamBatchingWindowMs } : {}),
    policy: {
      bisectOnError: STREAM_MAPPING.bisectBatchOnError,
      retryAttempts: STREAM_MAPPING.retryAttempts,
      maxRecordAgeMs: STREAM_MAPPING.maxRecordAgeSeconds * 1000,
      // A growing pause (14 s over the 10 retries) keeps a poison record from spinning a
      // core, and lets a passing hiccup of an emulator end before a record is set aside.
      retryDelayMs: (attempt) => 250 * attempt,
    },
    onFailure: async (message) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: resources.streamFailuresUrl, MessageBody: JSON.stringify(message) }));
    },
    ...(options.streamPositionsFile !== undefined ? { positions: filePositions(options.streamPositionsFile) } : {}),
    onInvocation: (invocation) => {
      for (const observe of invocationObservers) observe(invocation);
    },
    handler: withTaskLog(
      await importHandler<(e: DynamoDBStreamEvent, c: Context) => Promise<DynamoDBBatchResponse>>(STREAM_CONSUMER_ENTRY, options.services),
      options.services,
      options.taskLog,
    ),
  });
  const deliveries = startQueuePoller(sqs, resources.deliveryQueueUrl, resources.deliveryQueueArn, options.region, await importHandler(WEBHOOK_DELIVERY_ENTRY, options.services));
  return {
    streamRecordsSetAside: () => stream.setAside(),
    observeStreamInvocations: (observer) => {
      invocationObservers.add(observer);
      return () => invocationObservers.delete(observer);
    },
    stop: async () => {
      await Promise.all([stream.stop(), deliveries.stop()]);
      sqs.destroy();
    },
  };
}

/** The consumer, and first a line per task whose status changed in the batch (`task 6f0c… PENDING → ACTIVE  acme general attempt 1`). */
function withTaskLog(
  handler: (e: DynamoDBStreamEvent, c: Context) => Promise<DynamoDBBatchResponse>,
  services: () => AppServices,
  log: ((line: string) => void) | undefined,
): (e: DynamoDBStreamEvent, c: Context) => Promise<DynamoDBBatchResponse> {
  if (log === undefined) return handler;
  return async (event, context) => {
    const { decodeStreamRecord } = services();
    for (const record of event.Records) {
      let change: ReturnType<typeof decodeStreamRecord>;
      try {
        change = decodeStreamRecord(record.dynamodb?.OldImage as never, record.dynamodb?.NewImage as never);
      } catch {
        continue; // the consumer reports it; a log line never fails a batch
      }
      if (change.kind !== 'task' || change.old?.status === change.new?.status) continue;
      const task = change.new ?? change.old;
      if (task === undefined) continue;
      const error = change.new?.error !== undefined && change.new.status !== 'COMPLETED' ? `  ${change.new.error.message}` : '';
      log(`task ${task.id} ${change.old?.status ?? 'new'} → ${change.new?.status ?? 'deleted'}  ${task.tenant} ${task.pool} attempt ${task.attempts}${error}`);
    }
    return handler(event, context);
  };
}

/** Lambda's SQS mapping for the delivery function: receive, invoke, delete what did not fail. */
function startQueuePoller(
  sqs: SQSClient,
  url: string,
  arn: string,
  region: string,
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>,
): { stop(): Promise<void> } {
  const abort = new AbortController();
  const poll = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      let messages: Message[] = [];
      try {
        const received = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: DELIVERY_BATCH_SIZE, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }),
          { abortSignal: abort.signal },
        );
        messages = received.Messages ?? [];
      } catch {
        if (abort.signal.aborted) return;
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (messages.length === 0) continue;
      const event: SQSEvent = {
        Records: messages.map((m) => ({
          messageId: m.MessageId ?? '',
          receiptHandle: m.ReceiptHandle ?? '',
          body: m.Body ?? '',
          attributes: {
            ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
            SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
            SenderId: 'local',
            ApproximateFirstReceiveTimestamp: String(Date.now()),
          },
          messageAttributes: {},
          md5OfBody: m.MD5OfBody ?? '',
          eventSource: 'aws:sqs',
          eventSourceARN: arn,
          awsRegion: region,
        })),
      };
      let failed = new Set<string>();
      try {
        const response = await handler(event, lambdaContext('deliver-webhook', 60_000));
        failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (error) {
        console.error('webhook delivery failed; its batch stays on the queue', error);
        continue;
      }
      const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
      if (done.length > 0) {
        await sqs
          .send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })) }))
          .catch((error: unknown) => console.error('webhook delivery: delete failed', error));
      }
    }
  };
  const pollers = [poll(), poll()];
  return {
    stop: async () => {
      abort.abort();
      await Promise.allSettled(pollers);
    },
  };
}

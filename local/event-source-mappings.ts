import { setMaxListeners } from 'node:events';
import { Agent } from 'node:http';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { countCalls, type CallCounter } from '../shared/adapters/aws-call-counter.js';
import type { AppServices } from '../shared/composition.js';
import { WORKER_ENTRY } from '../shared/topology/routes.js';
import { hasWorkQueue, type Pool, type Topology } from '../shared/topology/topology.js';
import { lambdaContext } from './apigw-event.js';
import { importHandler } from './handler-modules.js';
import { InvocationTimer } from './invocations.js';

type WorkerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface MappingOptions {
  readonly sqsEndpoint: string;
  readonly region: string;
  readonly topology: Topology;
  /** `pool:priority` → work queue URL / ARN (Lambda pools only) */
  readonly queueUrls: Readonly<Record<string, string>>;
  readonly queueArns: Readonly<Record<string, string>>;
  /** The stack's services, which the worker handler runs on. */
  readonly services: () => AppServices;
  /** Count the pollers' SQS calls here (the stack's counter). */
  readonly calls?: CallCounter;
  /** Times every worker invocation (the stack's timer). */
  readonly invocations?: InvocationTimer;
}

export interface RunningMappings {
  /** Invocations run so far, by queue key. */
  readonly invocations: Record<string, number>;
  stop(): Promise<void>;
}

/** Long-poll wait: short enough that stopping never waits long. */
const WAIT_SECONDS = 2;
const STOP_GRACE_MS = 5_000;

/**
 * Lambda's SQS event-source mappings, in this process: per queue of a
 * `runsOn: 'lambda'` pool, as many
 * pollers as the pool's MaximumConcurrency for that priority, each receiving a
 * batch, invoking the pool's worker handler with an SQS event, and deleting the
 * records not reported in `batchItemFailures` (a thrown error keeps them all).
 * Kept messages reappear when their visibility timeout ends, and SQS redrives
 * them to the DLQ after maxReceiveCount, as on AWS.
 */
export async function startEventSourceMappings(options: MappingOptions): Promise<RunningMappings> {
  const handler = await importHandler<WorkerHandler>(WORKER_ENTRY, options.services);
  // Each poller holds a connection open for its long poll.
  const sqs = countCalls(
    new SQSClient({
      region: options.region,
      endpoint: options.sqsEndpoint,
      requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 512 }) },
    }),
    'SQS (event-source mapping)',
    options.calls,
  );
  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // one listener per poller's pending receive
  const invocations: Record<string, number> = {};
  const timer = options.invocations ?? new InvocationTimer();
  const pollers: Promise<void>[] = [];

  // Only Lambda pools have work queues (agent pools have no worker: agents lease their tasks over the API).
  for (const spec of options.topology.queues.filter(hasWorkQueue)) {
    const pool = options.topology.pools.find((p) => p.name === spec.pool);
    const url = options.queueUrls[spec.key];
    const arn = options.queueArns[spec.key];
    if (pool === undefined || url === undefined || arn === undefined) throw new Error(`queue ${spec.key} is not provisioned`);
    invocations[spec.key] = 0;
    const poll = async (): Promise<void> => {
      while (!abort.signal.aborted) {
        let messages: Message[];
        try {
          messages = await receiveBatch(sqs, url, pool, abort.signal);
        } catch (error) {
          if (abort.signal.aborted) return;
          console.error(`event-source mapping ${spec.key}: receive failed`, error);
          await new Promise((r) => setTimeout(r, 1000));
          continue;
        }
        if (messages.length === 0) continue;
        invocations[spec.key] = (invocations[spec.key] ?? 0) + 1;
        const failed = await invoke(handler, messages, arn, options.region, pool.workerTimeoutSeconds, `worker-${pool.name}`, timer);
        const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
        for (let i = 0; i < done.length; i += 10) {
          const chunk = done.slice(i, i + 10);
          await sqs
            .send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle ?? '' })) }))
            .catch((error: unknown) => console.error(`event-source mapping ${spec.key}: delete failed`, error));
        }
      }
    };
    for (let i = 0; i < pool.concurrency[spec.priority]; i++) pollers.push(poll());
  }

  return {
    invocations,
    stop: async () => {
      abort.abort();
      // In-flight invocations get a short grace; one still running after it is
      // abandoned like a Lambda that timed out: its message and lease lapse.
      await Promise.race([Promise.allSettled(pollers), new Promise((r) => setTimeout(r, STOP_GRACE_MS).unref())]);
      sqs.destroy();
    },
  };
}

/**
 * One batch, as Lambda's poller gathers it: a long poll, then, with a batching
 * window, more receives until `batchSize` messages or the window ends.
 */
async function receiveBatch(sqs: SQSClient, url: string, pool: Pool, signal: AbortSignal): Promise<Message[]> {
  const receive = async (max: number, waitSeconds: number): Promise<Message[]> =>
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: Math.min(10, max),
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: signal },
      )
    ).Messages ?? [];
  const batch = await receive(pool.batchSize, WAIT_SECONDS);
  if (batch.length === 0 || pool.batchingWindowSeconds <= 0) return batch;
  const windowEnds = Date.now() + pool.batchingWindowSeconds * 1000;
  while (batch.length < pool.batchSize && Date.now() < windowEnds && !signal.aborted) {
    const waitSeconds = Math.min(WAIT_SECONDS, Math.floor((windowEnds - Date.now()) / 1000));
    batch.push(...(await receive(pool.batchSize - batch.length, waitSeconds)));
  }
  return batch;
}

/** One invocation; returns the message ids to keep. */
async function invoke(
  handler: WorkerHandler,
  messages: Message[],
  arn: string,
  region: string,
  timeoutSeconds: number,
  functionName: string,
  invocations: InvocationTimer,
): Promise<Set<string>> {
  const event: SQSEvent = { Records: messages.map((m) => toRecord(m, arn, region)) };
  try {
    const response = await invocations.timed(functionName, () => handler(event, lambdaContext(functionName, timeoutSeconds * 1000)));
    return new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  } catch (error) {
    console.error(`${functionName} failed; its whole batch stays on the queue`, error);
    return new Set(messages.map((m) => m.MessageId ?? ''));
  }
}

function toRecord(message: Message, arn: string, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        { dataType: value.DataType ?? 'String', ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}) },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: region,
  };
}

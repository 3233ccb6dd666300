import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { CallCounter } from '../shared/adapters/aws-call-counter.js';
import { createS3Client, createSqsClient } from '../shared/adapters/aws-clients.js';
import { createServices, type AppServices } from '../shared/composition.js';
import { loadConfig } from '../shared/config.js';
import type { SchedulingConfig } from '../shared/domain/scheduling/config.js';
import { ENV } from '../shared/config-keys.js';
import { isTenantName, TENANT_RULE } from '../shared/domain/tenant.js';
import { generateToken } from '../shared/domain/token.js';
import { addToken } from '../shared/services/authorize.js';
import { SWEEP_ENTRY } from '../shared/topology/routes.js';
import { startScheduleTicker } from './schedule-ticker.js';
import { hasWorkQueue, TOPOLOGY } from '../shared/topology/topology.js';
import { SqsTaskQueue } from '../shared/adapters/sqs/sqs-task-queue.js';
import { startApiServer } from './api-server.js';
import { portOf } from '../shared/adapters/http/address-guard.js';
import { startDynamoDbEmulator } from './emulators/dynamodb-emulator.js';
import { startSqsEmulator, type RunningEmulator } from './emulators/sqs-emulator.js';
import { freePort } from './free-port.js';
import { startEventSourceMappings } from './event-source-mappings.js';
import { provisionQueues, provisionTable, provisionValuesBucket, type ProvisionedQueues } from './provision.js';
import { EVENTS_ENV } from '../shared/events-config.js';
import { eventsSettings, provisionEventsPipeline, startEventsPipeline } from './events-pipeline.js';
import { importHandler } from './handler-modules.js';
import type { StreamInvocation } from './stream-poller.js';
import { InvocationTimer, type Invocation } from './invocations.js';
import { claimLocalData, localPaths, releaseLocalData } from './local-data.js';
import { resendAfterRestart } from './resend-after-restart.js';
import { SqsDeadLetters } from '../shared/adapters/sqs/sqs-dead-letters.js';

export interface LocalStackOptions {
  /** HTTP API port; 0 picks a free one. */
  readonly port: number;
  /** fauxqs port (4566, like LocalStack); 0 picks a free one. */
  readonly sqsPort: number;
  /** DynamoDB Local port; 0 picks a free one. */
  readonly dynamoDbPort: number;
  /** Use these endpoints (LocalStack, emulators already running) instead of starting emulators. */
  readonly endpoints?: { readonly sqs: string; readonly dynamodb: string };
  readonly region: string;
  /** Prefix of queue names and the table name, so several stacks can share an endpoint. */
  readonly prefix: string;
  /** The API token; generated when absent. */
  readonly token?: string;
  /** The token's tenant; a tenant name (see shared/domain/tenant.ts), checked before anything starts. */
  readonly tenant: string;
  /**
   * Whether the token is an operator's (sees pool-wide queue depths, DLQs and
   * circuits in /stats): the person running the local stack operates it. @default true
   */
  readonly operator?: boolean;
  /**
   * Run the sweep (timers, unfinished jobs) on a schedule, as EventBridge does on
   * AWS every minute; locally every `sweepSeconds` (default 5, or
   * TASKFLEET_SWEEP_SECONDS), so lapsed agent leases and deadlines are found quickly.
   */
  readonly schedule: boolean;
  readonly sweepSeconds?: number;
  /** Run the pool workers' event-source mappings (tasks execute). */
  readonly workers: boolean;
  /** Run the events pipeline: stream consumer, events topic, webhook deliveries. @default true */
  readonly events?: boolean;
  /** The stream mapping's batching window, as deployed (STREAM_BATCHING_WINDOW_SECONDS) for the cost bench. @default 0: each read at once */
  readonly streamBatchingWindowMs?: number;
  /**
   * Keep DynamoDB Local's data in this folder across restarts (see local-data.ts),
   * and re-send the PENDING and ACTIVE tasks the in-memory queues lost. In memory when absent.
   */
  readonly dataDir?: string;
  /** Where notes about the start go (an orphan stopped, tasks re-sent). @default console.log */
  readonly log?: (line: string) => void;
  /** A concise line per HTTP request (method, path, status, time) through `log`. @default false */
  readonly requestLog?: boolean;
  /**
   * Where the stack's own settings are read from (the policy overrides, the webhook
   * settings, TASKFLEET_SWEEP_SECONDS); the stack's resources override what it says
   * about them. @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
  /** Every agent pool's scheduling knobs over the pools file's (see PolicyOverrides.scheduling). @default the pools file's */
  readonly scheduling?: Partial<SchedulingConfig>;
}

export interface LocalStack {
  readonly apiUrl: string;
  readonly token: string;
  readonly tenant: string;
  readonly tableName: string;
  readonly queues: ProvisionedQueues;
  readonly sqsEndpoint: string;
  readonly dynamoDbEndpoint: string;
  /** "started fauxqs and DynamoDB Local" or "using <endpoint>" */
  readonly backend: string;
  /** The services the stack's handlers run on: its own instance, so stacks in one process never share state. */
  readonly services: AppServices;
  /** The AWS calls of the stack's clients (its services and its event-source mappings), for the benchmarks. */
  readonly calls: CallCounter;
  /** Tells observers of every route, authorizer and pool-worker invocation (the cost bench prices Lambda from them); returns the unsubscribe. */
  observeInvocations(observer: (invocation: Invocation) => void): () => void;
  /** The events pipeline's resources, when it runs. */
  readonly events?: {
    readonly topicArn: string;
    readonly deliveryQueueUrl: string;
    readonly deliveryDlqUrl: string;
    /** The stream mapping's on-failure destination (records set aside). */
    readonly streamFailuresUrl: string;
    /** Records the local stream mapping set aside since the start. */
    streamRecordsSetAside(): number;
    /** The events cost bench counts the consumer's invocations and their duration; returns the unsubscribe. */
    observeStreamInvocations(observer: (invocation: StreamInvocation) => void): () => void;
  };
  stop(): Promise<void>;
}

/**
 * The whole stack on this machine: emulators (or AWS_ENDPOINT_URL), the table and
 * queues provisioned from the topology, and the HTTP API serving the same handler
 * modules the CDK stack deploys, each made for this stack's own services
 * instance (built from its own config): a process can host several stacks.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const stops: (() => Promise<void>)[] = [];
  const log = options.log ?? ((line: string) => console.log(line));
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  if (!isTenantName(options.tenant)) throw new Error(`"${options.tenant}" is not a tenant name: ${TENANT_RULE}`);
  const env = options.env ?? process.env;
  const calls = new CallCounter();
  const invocations = new InvocationTimer();
  let services: AppServices | undefined;
  // The handlers ask for the services per invocation; nothing invokes them before they are built.
  const servicesOf = (): AppServices => {
    if (services === undefined) throw new Error('the local stack is still starting');
    return services;
  };
  try {
    // Any credentials work with emulators, but the SDK must have some to sign (the same defaults for every stack).
    if (options.endpoints === undefined || isLoopback(options.endpoints.sqs)) {
      process.env.AWS_ACCESS_KEY_ID ??= 'local';
      process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
    }
    let sqsEndpoint: string;
    let dynamoDbEndpoint: string;
    let streamPositionsFile: string | undefined;
    if (options.endpoints !== undefined) {
      sqsEndpoint = options.endpoints.sqs;
      dynamoDbEndpoint = options.endpoints.dynamodb;
    } else {
      const paths = options.dataDir !== undefined ? localPaths(options.dataDir) : undefined;
      if (paths !== undefined) {
        for (const note of await claimLocalData(paths.root)) log(note);
        stops.push(async () => releaseLocalData(paths.root));
      }
      const started = await Promise.allSettled([
        startSqsEmulator(options.sqsPort, options.region),
        (async () =>
          startDynamoDbEmulator({
            port: options.dynamoDbPort || (await freePort()),
            ...(paths !== undefined ? { dataDir: paths.dynamodb, onSpawn: (pid: number) => writeFileSync(paths.dynamodbPid, String(pid)) } : {}),
          }))(),
      ]);
      // Stop whichever did start when the other did not (e.g. Java is missing).
      for (const emulator of started) if (emulator.status === 'fulfilled') stops.push(() => emulator.value.stop());
      const failure = started.find((e): e is PromiseRejectedResult => e.status === 'rejected');
      if (failure !== undefined) throw failure.reason;
      const [sqs, dynamodb] = started.map((e) => (e as PromiseFulfilledResult<RunningEmulator>).value) as [RunningEmulator, RunningEmulator];
      sqsEndpoint = sqs.endpoint;
      dynamoDbEndpoint = dynamodb.endpoint;
      // Beside DynamoDB Local's files: the positions belong to that stream, and --fresh removes both.
      if (paths !== undefined) streamPositionsFile = join(paths.dynamodb, 'stream-positions.json');
    }

    const tableName = `${options.prefix}tasks`;
    const dynamodb = new DynamoDBClient({ region: options.region, endpoint: dynamoDbEndpoint });
    const sqs = createSqsClient({ region: options.region, sqsEndpoint });
    // fauxqs answers S3 on the same endpoint as SQS.
    const s3 = createS3Client({ region: options.region, s3Endpoint: sqsEndpoint });
    const valuesBucket = `${options.prefix}values`.toLowerCase();
    const [queues] = await Promise.all([provisionQueues(sqs, TOPOLOGY, options.prefix), provisionTable(dynamodb, tableName), provisionValuesBucket(s3, valuesBucket)]);
    dynamodb.destroy();
    sqs.destroy();
    s3.destroy();
    // EMF lines (the consumer's and the sweep's metrics) mean something only to CloudWatch (Powertools reads it per process).
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
    const resources = options.events !== false ? await provisionEventsPipeline({ region: options.region, prefix: options.prefix, sqsEndpoint }) : undefined;

    // Closed last (stops run in reverse): after the API, the pollers and the timers that use them.
    stops.push(async () => services?.destroy());
    // The server listens now (its port is part of the stack's settings), but answers 503 until the stack is whole:
    // a client that sees /health answer may at once use the token, which is added further down.
    let ready = false;
    const api = await startApiServer(options.port, servicesOf, { invocations, ready: () => ready, ...(options.requestLog === true ? { log } : {}) });
    stops.push(() => api.close());

    const config = loadConfig({
      // Receivers on this machine are the point of a local stack: loopback is allowed here (never on AWS by default).
      ...(resources !== undefined ? { [EVENTS_ENV.allowLoopback]: 'true' } : {}),
      ...env,
      AWS_REGION: options.region,
      AWS_ENDPOINT_URL_SQS: sqsEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDbEndpoint,
      // fauxqs answers S3 and SNS on its SQS endpoint.
      AWS_ENDPOINT_URL_S3: sqsEndpoint,
      AWS_ENDPOINT_URL_SNS: sqsEndpoint,
      [ENV.tableName]: tableName,
      [ENV.valuesBucket]: valuesBucket,
      [ENV.queueUrlPrefix]: queues.queueUrlPrefix,
      ...(resources !== undefined ? eventsSettings(resources) : {}),
      // Loopback receivers are allowed here, but never the stack itself: its emulators and its API.
      [EVENTS_ENV.forbiddenLoopbackPorts]: [sqsEndpoint, dynamoDbEndpoint, api.url].map((url) => portOf(new URL(url))).join(','),
    });
    const scheduling = options.scheduling;
    services = createServices(scheduling === undefined ? config : { ...config, policies: { ...config.policies, scheduling } }, { calls });

    let events: LocalStack['events'];
    if (resources !== undefined) {
      const pipeline = await startEventsPipeline(resources, {
        region: options.region,
        tableName,
        sqsEndpoint,
        dynamoDbEndpoint,
        services: servicesOf,
        ...(streamPositionsFile !== undefined ? { streamPositionsFile } : {}),
        ...(options.requestLog === true ? { taskLog: log } : {}),
        ...(options.streamBatchingWindowMs !== undefined ? { streamBatchingWindowMs: options.streamBatchingWindowMs } : {}),
      });
      stops.push(() => pipeline.stop());
      events = {
        topicArn: resources.topicArn,
        deliveryQueueUrl: resources.deliveryQueueUrl,
        deliveryDlqUrl: resources.deliveryDlqUrl,
        streamFailuresUrl: resources.streamFailuresUrl,
        streamRecordsSetAside: pipeline.streamRecordsSetAside,
        observeStreamInvocations: pipeline.observeStreamInvocations,
      };
    }

    const token = options.token ?? generateToken();
    await addToken(services.taskDeps.tokens, token, options.tenant, 'local', { operator: options.operator ?? true });

    if (options.dataDir !== undefined) {
      // The pools with work queues (Lambda pools): agent pools lease from the table and have none to refill.
      const lambdaPools = new Set(TOPOLOGY.queues.filter(hasWorkQueue).map((q) => q.pool));
      const { db, sqs } = services;
      const resent = await resendAfterRestart(db, tableName, new SqsTaskQueue(sqs, queues.queueUrls), new SqsDeadLetters(sqs, queues.dlqUrls), lambdaPools, new Date());
      if (resent.requeued > 0) log(`re-sent ${resent.requeued - resent.requeueFailed} PENDING/ACTIVE Lambda-pool tasks kept from the last run (the queues start empty)${resent.requeueFailed > 0 ? `; ${resent.requeueFailed} could not be sent` : ''}`);
      if (resent.letters > 0) log(`re-sent the dead letters of ${resent.letters - resent.lettersFailed} FAILED tasks to their DLQs${resent.lettersFailed > 0 ? `; ${resent.lettersFailed} could not be sent` : ''}`);
    }

    if (options.workers) {
      const mappings = await startEventSourceMappings({
        sqsEndpoint,
        region: options.region,
        topology: TOPOLOGY,
        queueUrls: queues.queueUrls,
        queueArns: queues.queueArns,
        services: servicesOf,
        calls,
        invocations,
      });
      stops.push(() => mappings.stop());
    }
    if (options.schedule) stops.push(await scheduleSweep(options.sweepSeconds ?? Number(env.TASKFLEET_SWEEP_SECONDS ?? 5), servicesOf));
    if (options.schedule) stops.push(await startScheduleTicker(servicesOf));

    ready = true;
    return {
      apiUrl: api.url,
      token,
      tenant: options.tenant,
      tableName,
      queues,
      sqsEndpoint,
      dynamoDbEndpoint,
      backend: options.endpoints === undefined ? 'fauxqs (SQS) and DynamoDB Local' : `SQS ${sqsEndpoint}, DynamoDB ${dynamoDbEndpoint}`,
      services,
      calls,
      observeInvocations: (observer) => invocations.observe(observer),
      ...(events !== undefined ? { events } : {}),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

const isLoopback = (endpoint: string): boolean => /^https?:\/\/(localhost|127\.|\[::1\])/.test(endpoint);

/** Invokes the sweep function every `seconds`, like the stack's EventBridge rule (every SWEEP_EVERY_MINUTES on AWS). */
async function scheduleSweep(seconds: number, services: () => AppServices): Promise<() => Promise<void>> {
  const handler = await importHandler<(event: unknown, context: unknown) => Promise<unknown>>(SWEEP_ENTRY, services);
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running !== undefined) return;
    running = handler({}, {}).catch((error: unknown) => console.error('sweep failed', error)).finally(() => (running = undefined));
  }, Math.max(1, seconds) * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

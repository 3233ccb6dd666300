import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CallCounter } from './adapters/aws-call-counter.js';
import { createDocumentClient, createS3Client, createSqsClient, endpointsFromEnv } from './adapters/aws-clients.js';
import { CachedCircuitStore } from './adapters/cached-circuit-store.js';
import { CachedJobStatus } from './adapters/cached-job-status.js';
import { DynamoDbAgentStore } from './adapters/dynamodb/dynamodb-agent-store.js';
import { DynamoDbCircuitStore } from './adapters/dynamodb/dynamodb-circuit-store.js';
import { DynamoDbConcurrencySlots } from './adapters/dynamodb/dynamodb-concurrency-slots.js';
import { DynamoDbEventLog } from './adapters/dynamodb/dynamodb-event-log.js';
import { DynamoDbJobStore } from './adapters/dynamodb/dynamodb-job-store.js';
import { DynamoDbRateLimits } from './adapters/dynamodb/dynamodb-rate-limits.js';
import { DynamoDbReadyTenants } from './adapters/dynamodb/dynamodb-ready-tenants.js';
import { DynamoDbScheduleStore } from './adapters/dynamodb/dynamodb-schedule-store.js';
import { DynamoDbMinuteAggregates } from './adapters/dynamodb/dynamodb-minute-aggregates.js';
import { DynamoDbStreamBatches } from './adapters/dynamodb/dynamodb-stream-batches.js';
import { DynamoDbTaskCounters } from './adapters/dynamodb/dynamodb-task-counters.js';
import { DynamoDbTaskQueries } from './adapters/dynamodb/dynamodb-task-queries.js';
import { DynamoDbTaskRecords } from './adapters/dynamodb/dynamodb-task-records.js';
import { DynamoDbRequestBuckets, DynamoDbTokenStore } from './adapters/dynamodb/dynamodb-token-store.js';
import type { TokenStore } from './ports/token-store.js';
import type { AuthorizerDeps, VerdictCache } from './services/authorize.js';
import { DynamoDbDeliveryRecords } from './adapters/dynamodb/dynamodb-delivery-records.js';
import { DynamoDbWebhookStore } from './adapters/dynamodb/dynamodb-webhook-store.js';
import { decodeStreamRecord } from './adapters/dynamodb/stream-records.js';
import { sendWebhook } from './adapters/http/webhook-sender.js';
import { InProcessReadySignal } from './adapters/memory/in-process-ready-signal.js';
import { RecentAgents } from './adapters/recent-agents.js';
import { EmfBacklogMetrics } from './adapters/metrics/emf-backlog-metrics.js';
import { EmfEventMetrics } from './adapters/metrics/emf-event-metrics.js';
import { S3ValueStore } from './adapters/s3/s3-value-store.js';
import { createSnsClient } from './adapters/sns/sns-client.js';
import { SnsEventPublisher } from './adapters/sns/sns-event-publisher.js';
import { releaseMessage } from './adapters/sqs/message-visibility.js';
import { SqsDeadLetterReader, SqsDeadLetters } from './adapters/sqs/sqs-dead-letters.js';
import { SqsDeliveryQueue } from './adapters/sqs/sqs-delivery-queue.js';
import { SqsQueueStats } from './adapters/sqs/sqs-queue-stats.js';
import { SqsTaskQueue } from './adapters/sqs/sqs-task-queue.js';
import { requiredSetting, type Config } from './config.js';
import { generateToken } from './domain/token.js';
import type { Webhook } from './domain/webhook.js';
import { EVENTS_ENV } from './events-config.js';
import type { HandlerRegistry } from './handlers.js';
import { logger } from './logger.js';
import type { AgentStore } from './ports/agent-store.js';
import type { CircuitStore } from './ports/circuit-store.js';
import type { EventLog } from './ports/events.js';
import type { JobStore } from './ports/job-store.js';
import type { TaskCounters } from './ports/task-counters.js';
import type { AgentDeps } from './services/agents.js';
import type { DeliveryDeps } from './services/claim-delivery.js';
import type { DeadLetterDeps } from './services/dead-letters.js';
import type { DeliveryDeps as WebhookDeliveryDeps } from './services/deliver-webhook.js';
import type { Services } from './services/deps.js';
import type { ExecutionDeps } from './services/execute-task.js';
import { fanIn, onTaskFinished } from './services/fan-in.js';
import type { getStats } from './services/get-stats.js';
import { continueExpansion } from './services/job-messages.js';
import type { JobDeps } from './services/jobs.js';
import type { BacklogDeps } from './services/measure-backlog.js';
import type { RateLimitDeps } from './services/rate-limits.js';
import { ReadyView } from './services/ready-view.js';
import type { ScheduleDeps } from './services/schedules.js';
import { StartGate } from './services/start-gate.js';
import type { StreamConsumerDeps } from './services/stream-consumer.js';
import type { SweepDeps } from './services/sweep.js';
import { TaskLifecycle } from './services/task-lifecycle.js';
import { freeAgentSlot } from './services/lease-ended.js';
import type { WebhookDeps } from './services/webhooks.js';
import { TOPOLOGY, type Pool } from './topology/topology.js';

// The Lambda edge's SQS record handling: the functions reach adapters only through this root.
export { KeepMessage, loggingRecordFailures } from './adapters/sqs/task-records.js';

/** How stale a worker's view of its pool's circuit may be. */
const CIRCUIT_CACHE_MS = 1_000;
/** How old a view of a tenant's agents admission may look at first (a refusal reads afresh: adapters/recent-agents.ts). */
const RECENT_AGENTS_MS = 5_000;
/** How late a worker may learn that a job stopped (its children claimed meanwhile are cancelled by the job's cancellation). */
const JOB_STATUS_CACHE_MS = 5_000;

/** What GET /jobs and GET /workers[/{id}] read (the dashboard's lists). */
export interface ListDeps {
  readonly jobs: JobStore;
  readonly agents: AgentStore;
  readonly now: () => Date;
}

/**
 * One stack's adapters and the services over them: everything the handlers
 * need, built from one Config. A Lambda handler module keeps one instance (built
 * from its environment on first use); the local runtime builds one per stack, so
 * a process can host several. The core is built at once; the parts only some
 * functions use (the events resources, which only they are configured for) on
 * first use, then kept.
 */
export interface AppServices {
  readonly config: Config;
  readonly db: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  /** The task use cases' dependencies. */
  readonly taskDeps: Services;
  readonly jobDeps: JobDeps;
  /** What a Lambda worker, the agent routes and the sweep claim and settle attempts with. */
  readonly deliveryDeps: DeliveryDeps;
  /** What the agent routes (registry, leases, lease-token calls) need. */
  readonly agentDeps: AgentDeps;
  /** What the /rate-limits routes need. */
  readonly rateLimitDeps: RateLimitDeps;
  readonly circuits: CircuitStore;
  /** The table stream consumer's counters (/stats counts). */
  readonly counters: TaskCounters;
  /** What a worker needs; `remainingMs` comes per invocation. Its worker id is this instance's. */
  workerDeps(handlers: HandlerRegistry): Omit<ExecutionDeps, 'remainingMs'>;
  /** Makes a received work-queue message visible again after `delaySeconds`. */
  releaseMessage(queueArn: string, receiptHandle: string, delaySeconds: number): Promise<void>;
  sweepDeps(): SweepDeps;
  /** What the sweep measures the agent pools' backlog with, and where it reports it. */
  backlogDeps(): BacklogDeps;
  readonly backlogMetrics: EmfBacklogMetrics;
  deadLetterDeps(): DeadLetterDeps;
  statsDeps(): Parameters<typeof getStats>[0];
  listDeps(): ListDeps;
  scheduleDeps(): ScheduleDeps;
  webhookDeps(): WebhookDeps;
  eventLogDeps(): { eventLog: EventLog; now: () => Date };
  /** What the table-stream consumer needs; needs the events topic and delivery queue configured. */
  streamConsumerDeps(): StreamConsumerDeps;
  /** The stream consumer's decoder of a record's images. */
  readonly decodeStreamRecord: typeof decodeStreamRecord;
  /** What the webhook delivery function needs; needs the delivery queue and its DLQ configured. */
  webhookDeliveryDeps(): WebhookDeliveryDeps;
  /** What the authorizer runs on, with the verdict cache of its instance (one per container). */
  authorizerDeps(cache: VerdictCache): AuthorizerDeps;
  /** Closes the clients (a local stack that stops; a Lambda never calls it). */
  destroy(): void;
}

/** What a services instance is built with besides its config. */
export interface ServicesOptions {
  /** Count the AWS calls of the instance's clients here (the local stack's benchmarks). */
  readonly calls?: CallCounter;
}

/** Builds once, on the first call, and keeps it (a part of the services built on first use). */
function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}

/**
 * The composition root: the AWS-backed adapters and the services over them, in
 * their order. Nothing here is read from the environment: the config says it all.
 */
export function createServices(config: Config, options: ServicesOptions = {}): AppServices {
  const aws = { ...config.aws, ...(options.calls !== undefined ? { calls: options.calls } : {}) };
  const db = createDocumentClient(aws);
  const sqs = createSqsClient(aws);
  const s3 = config.valuesBucket !== undefined ? createS3Client(aws) : undefined;
  // Built with the stream consumer's parts, the only ones that publish.
  let snsClient: SNSClient | undefined;
  const sns = (): SNSClient => (snsClient ??= createSnsClient(aws));
  const warn = (message: string, details: Record<string, unknown>): void => logger.warn(message, details);
  const now = (): Date => new Date();
  const overrides = config.policies;
  // Pools with the config's policy overrides applied.
  const pools: readonly Pool[] = TOPOLOGY.pools.map((pool) => ({
    ...pool,
    retry: { ...pool.retry, ...overrides.retry },
    circuit: { ...pool.circuit, ...overrides.circuit },
    ...(overrides.scheduling !== undefined && pool.runsOn === 'agents' ? { scheduling: { ...pool.scheduling, ...overrides.scheduling } } : {}),
  }));
  const records = new DynamoDbTaskRecords(db, config.tableName);
  const queries = new DynamoDbTaskQueries(db, config.tableName);
  const agents = new DynamoDbAgentStore(db, config.tableName);
  const readyView = new ReadyView();
  const signal = new InProcessReadySignal((tenant, pool) => readyView.invalidate(tenant, pool));
  const rates = new DynamoDbRateLimits(db, config.tableName);
  const slots = new DynamoDbConcurrencySlots(db, config.tableName);
  const gate = new StartGate({ slots, rates, records, random: Math.random });
  const queue = new SqsTaskQueue(sqs, config.queueUrls, warn);
  const values = s3 !== undefined && config.valuesBucket !== undefined ? new S3ValueStore(s3, config.valuesBucket) : undefined;
  const lifecycle = new TaskLifecycle({
    gate,
    records,
    queue,
    deadLetters: new SqsDeadLetters(sqs, config.dlqUrls),
    pools,
    now,
    warn,
    signal,
    ...(values !== undefined ? { values } : {}),
  });
  const taskDeps: Services = {
    lifecycle,
    records,
    queries,
    agents,
    recentAgents: new RecentAgents(agents, RECENT_AGENTS_MS),
    tokens: new DynamoDbTokenStore(db, config.tableName),
    pools,
    // Time-ordered: a task's id places it in its tenant's list (task-item.ts, `listedByTable`).
    newId: uuidv7,
    now,
    warn,
  };
  const jobDeps: JobDeps = { ...taskDeps, queue, jobs: new DynamoDbJobStore(db, config.tableName) };
  lifecycle.setEffects({
    finished: (task) => onTaskFinished(jobDeps, task),
    // An agent's slot is free the moment its attempt ends (completed, failed, released, cancelled, lapsed).
    leaseEnded: freeAgentSlot(agents, signal, now),
  });
  const circuits = new CachedCircuitStore(new DynamoDbCircuitStore(db, config.tableName), CIRCUIT_CACHE_MS);
  const deliveryDeps: DeliveryDeps = {
    lifecycle,
    records,
    circuits,
    pools,
    now,
    random: Math.random,
    jobStopped: new CachedJobStatus(jobDeps.jobs, JOB_STATUS_CACHE_MS).stopped,
    ...(overrides.leaseGraceSeconds !== undefined ? { leaseGraceSeconds: overrides.leaseGraceSeconds } : {}),
  };
  const agentDeps: AgentDeps = { ...deliveryDeps, agents, queries, signal, readyView, newId: randomUUID, newToken: generateToken };
  const counters = new DynamoDbTaskCounters(db, config.tableName);
  const rateLimitDeps: RateLimitDeps = { rates, slots, gate, now };
  // This instance's worker id: the function name and a random suffix.
  const workerId = `${config.functionName}/${randomUUID().slice(0, 8)}`;
  const agentPools = TOPOLOGY.pools.filter((pool) => pool.runsOn === 'agents').map((pool) => pool.name);
  // Which tenants have work waiting in agent pools: one per instance, so its rewrite skipping holds across batches.
  const readyTenants = once(() => new DynamoDbReadyTenants(db, config.tableName));
  const webhookStore = once(() => new DynamoDbWebhookStore(db, config.tableName));
  const deliveryRecords = once(() => new DynamoDbDeliveryRecords(db, config.tableName));
  const eventLog = once(() => new DynamoDbEventLog(db, config.tableName));
  const requestBuckets = once(() => new DynamoDbRequestBuckets(db, config.tableName));

  return {
    config,
    db,
    sqs,
    taskDeps,
    jobDeps,
    deliveryDeps,
    agentDeps,
    rateLimitDeps,
    circuits,
    counters,
    workerDeps: (handlers) => ({ ...deliveryDeps, handlers, workerId }),
    releaseMessage: (queueArn, receiptHandle, delaySeconds) => releaseMessage(sqs, config.queueUrlPrefix, queueArn, receiptHandle, delaySeconds),
    sweepDeps: once(() => ({ ...deliveryDeps, queries, warn, agents })),
    backlogDeps: once(() => ({ queries, readyTenants: readyTenants(), agentPools, now })),
    backlogMetrics: new EmfBacklogMetrics(),
    deadLetterDeps: once(() => ({
      lifecycle,
      records,
      pools,
      now,
      reader: new SqsDeadLetterReader(sqs, config.dlqUrls),
      jobs: jobDeps.jobs,
      continueJob: (job) => continueExpansion(jobDeps, job),
    })),
    statsDeps: once(() => ({
      agents,
      counters,
      aggregates: new DynamoDbMinuteAggregates(db, config.tableName),
      queueStats: new SqsQueueStats(sqs, TOPOLOGY.queues, config.queueUrls, config.dlqUrls),
      circuits,
      pools: TOPOLOGY.pools,
      now,
      rates,
    })),
    listDeps: once(() => ({ jobs: jobDeps.jobs, agents, now })),
    scheduleDeps: once(() => ({ ...taskDeps, schedules: new DynamoDbScheduleStore(db, config.tableName) })),
    webhookDeps: once(() => ({
      webhooks: webhookStore(),
      deliveryRecords: deliveryRecords(),
      deliveryQueue: once(() => new SqsDeliveryQueue(sqs, requiredSetting(config.events.deliveryQueueUrl, EVENTS_ENV.deliveryQueueUrl), config.events.deliveryDlqUrl ?? '')),
      policy: config.events.addressPolicy,
      newId: randomUUID,
      now,
    })),
    eventLogDeps: once(() => ({ eventLog: eventLog(), now })),
    streamConsumerDeps: once(() => {
      const events = config.events;
      // A tenant's webhooks, trusted for webhookListCacheMs: a new webhook hears events after at most that.
      const cache = new Map<string, { at: number; list: Promise<readonly Webhook[]> }>();
      return {
        publisher: new SnsEventPublisher(sns(), requiredSetting(events.topicArn, EVENTS_ENV.topicArn)),
        deliveries: new SqsDeliveryQueue(sqs, requiredSetting(events.deliveryQueueUrl, EVENTS_ENV.deliveryQueueUrl), events.deliveryDlqUrl ?? ''),
        eventLog: eventLog(),
        metrics: new EmfEventMetrics(),
        webhooksOf: (tenant) => {
          const hit = cache.get(tenant);
          if (hit !== undefined && Date.now() - hit.at < events.webhookListCacheMs) return hit.list;
          const list = webhookStore().list(tenant);
          cache.set(tenant, { at: Date.now(), list });
          list.catch(() => cache.delete(tenant));
          return list;
        },
        now,
        warn,
        counters,
        batches: new DynamoDbStreamBatches(db, config.tableName),
        ...(values !== undefined ? { values: { values, records } } : {}),
        readyTenants: { marks: readyTenants(), agentPools: new Set(agentPools) },
        jobsCounted: async (jobs) => {
          for (const { tenant, jobId } of jobs) await fanIn(jobDeps, tenant, jobId);
        },
      };
    }),
    decodeStreamRecord,
    webhookDeliveryDeps: once(() => {
      const events = config.events;
      return {
        webhooks: webhookStore(),
        deliveryRecords: deliveryRecords(),
        queue: new SqsDeliveryQueue(sqs, requiredSetting(events.deliveryQueueUrl, EVENTS_ENV.deliveryQueueUrl), requiredSetting(events.deliveryDlqUrl, EVENTS_ENV.deliveryDlqUrl)),
        send: (url, body, headers) => sendWebhook(url, body, headers, events.addressPolicy),
        retry: events.deliveryRetry,
        now,
        random: Math.random,
        lastWritten: new Map(),
      };
    }),
    authorizerDeps: (cache) => ({
      tokens: taskDeps.tokens,
      buckets: requestBuckets(),
      cache,
      ...(config.authCacheMs !== undefined ? { cacheMs: config.authCacheMs } : {}),
    }),
    destroy: () => {
      db.destroy();
      sqs.destroy();
      s3?.destroy();
      snsClient?.destroy();
    },
  };
}

/**
 * A stack's token store on its own, for `taskfleet tokens` (run with the caller's
 * AWS credentials against a table named on the command line, not a whole stack's
 * configuration). The clients come from the environment (`AWS_ENDPOINT_URL` for a
 * local stack).
 */
export function createTokenStore(tableName: string, env: NodeJS.ProcessEnv = process.env): TokenStore {
  return new DynamoDbTokenStore(createDocumentClient(endpointsFromEnv(env)), tableName);
}

import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createS3Client, createSqsClient, endpointsFromEnv } from './adapters/aws-clients.js';
import { S3ValueStore } from './adapters/s3/s3-value-store.js';
import { CachedCircuitStore } from './adapters/cached-circuit-store.js';
import { CachedJobStatus } from './adapters/cached-job-status.js';
import { continueExpansion } from './services/job-messages.js';
import { DynamoDbAgentStore } from './adapters/dynamodb/dynamodb-agent-store.js';
import { DynamoDbCircuitStore } from './adapters/dynamodb/dynamodb-circuit-store.js';
import { DynamoDbJobStore } from './adapters/dynamodb/dynamodb-job-store.js';
import { DynamoDbTaskCounters } from './adapters/dynamodb/dynamodb-task-counters.js';
import { DynamoDbStreamBatches } from './adapters/dynamodb/dynamodb-stream-batches.js';
import { DynamoDbMinuteAggregates } from './adapters/dynamodb/dynamodb-minute-aggregates.js';
import { DynamoDbTaskQueries } from './adapters/dynamodb/dynamodb-task-queries.js';
import { DynamoDbTaskRecords } from './adapters/dynamodb/dynamodb-task-records.js';
import { DynamoDbTokenStore } from './adapters/dynamodb/dynamodb-token-store.js';
import { InProcessReadySignal } from './adapters/memory/in-process-ready-signal.js';
import { SqsDeadLetterReader, SqsDeadLetters } from './adapters/sqs/sqs-dead-letters.js';
import { SqsQueueStats } from './adapters/sqs/sqs-queue-stats.js';
import { SqsTaskQueue } from './adapters/sqs/sqs-task-queue.js';
import { loadConfig, policyOverrides, type FunctionConfig } from './config.js';
import { generateToken } from './domain/token.js';
import type { HandlerRegistry } from './handlers.js';
import type { CircuitStore } from './ports/circuit-store.js';
import type { TaskCounters } from './ports/task-counters.js';
import type { AgentDeps } from './services/agents.js';
import { ReadyView } from './services/ready-view.js';
import type { DeliveryDeps } from './services/claim-delivery.js';
import type { DeadLetterDeps } from './services/dead-letters.js';
import type { Services } from './services/deps.js';
import type { ExecutionDeps } from './services/execute-task.js';
import { onTaskFinished } from './services/fan-in.js';
import type { getStats } from './services/get-stats.js';
import type { JobDeps } from './services/jobs.js';
import type { SweepDeps } from './services/sweep.js';
import { TaskLifecycle } from './services/task-lifecycle.js';
import { StartGate } from './services/start-gate.js';
import type { RateLimitDeps } from './services/rate-limits.js';
import { DynamoDbConcurrencySlots } from './adapters/dynamodb/dynamodb-concurrency-slots.js';
import { DynamoDbRateLimits } from './adapters/dynamodb/dynamodb-rate-limits.js';
import { TOPOLOGY, type Pool } from './topology/topology.js';
import { DynamoDbScheduleStore } from './adapters/dynamodb/dynamodb-schedule-store.js';
import type { ScheduleDeps } from './services/schedules.js';
import { DynamoDbEventLog } from './adapters/dynamodb/dynamodb-event-log.js';
import { DynamoDbWebhookStore } from './adapters/dynamodb/dynamodb-webhook-store.js';
import { sendWebhook } from './adapters/http/webhook-sender.js';
import { EmfEventMetrics } from './adapters/metrics/emf-event-metrics.js';
import { createSnsClient } from './adapters/sns/sns-client.js';
import { SnsEventPublisher } from './adapters/sns/sns-event-publisher.js';
import { SqsDeliveryQueue } from './adapters/sqs/sqs-delivery-queue.js';
import type { Webhook } from './domain/webhook.js';
import { addressPolicy, deliveryRetryPolicy, EVENTS_ENV, requiredEnv } from './events-config.js';
import type { EventLog } from './ports/events.js';
import type { DeliveryDeps as WebhookDeliveryDeps } from './services/deliver-webhook.js';
import type { StreamConsumerDeps } from './services/stream-consumer.js';
import type { WebhookDeps } from './services/webhooks.js';
import { DynamoDbReadyTenants } from './adapters/dynamodb/dynamodb-ready-tenants.js';
import type { BacklogDeps } from './services/measure-backlog.js';

export const logger = new Logger({ serviceName: 'taskfleet' });

/** How stale a worker's view of its pool's circuit may be. */
const CIRCUIT_CACHE_MS = 1_000;
/** How late a worker may learn that a job stopped (its children claimed meanwhile are cancelled by the job's cancellation). */
const JOB_STATUS_CACHE_MS = 5_000;

/**
 * The AWS-backed adapters and the services over them, built once per container
 * (or local process) from the environment on first use, so a missing variable
 * fails loudly and early. The whole service order is visible here.
 */
interface Wired {
  readonly config: FunctionConfig;
  readonly db: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly services: Services;
  readonly circuits: CircuitStore;
  readonly counters: TaskCounters;
  readonly jobs: JobDeps;
  /** What a Lambda worker, the agent routes and the sweep claim and settle attempts with. */
  readonly delivery: DeliveryDeps;
  readonly agentDeps: AgentDeps;
  readonly limits: RateLimitDeps;
}

let wired: Wired | undefined;

function wire(): Wired {
  if (wired !== undefined) return wired;
  const config = loadConfig();
  const endpoints = endpointsFromEnv();
  const db = createDocumentClient(endpoints);
  const sqs = createSqsClient(endpoints);
  const warn = (message: string, details: Record<string, unknown>): void => logger.warn(message, details);
  const now = (): Date => new Date();
  const overrides = policyOverrides();
  // Pools with the environment's policy overrides applied.
  const pools: readonly Pool[] = TOPOLOGY.pools.map((pool) => ({
    ...pool,
    retry: { ...pool.retry, ...overrides.retry },
    circuit: { ...pool.circuit, ...overrides.circuit },
  }));
  const records = new DynamoDbTaskRecords(db, config.tableName);
  const queries = new DynamoDbTaskQueries(db, config.tableName);
  const agents = new DynamoDbAgentStore(db, config.tableName);
  const readyView = new ReadyView();
  const signal = new InProcessReadySignal((tenant, pool) => readyView.invalidate(tenant, pool));
  const rates = new DynamoDbRateLimits(db, config.tableName);
  const gate = new StartGate({ slots: new DynamoDbConcurrencySlots(db, config.tableName), rates, records, random: Math.random });
  const queue = new SqsTaskQueue(sqs, config.queueUrls, warn);
  const lifecycle = new TaskLifecycle({
    gate,
    records,
    queue,
    deadLetters: new SqsDeadLetters(sqs, config.dlqUrls),
    pools,
    now,
    warn,
    signal,
    ...(config.valuesBucket !== undefined ? { values: new S3ValueStore(createS3Client(endpoints), config.valuesBucket) } : {}),
  });
  const services: Services = {
    lifecycle,
    records,
    queries,
    agents,
    tokens: new DynamoDbTokenStore(db, config.tableName),
    pools,
    newId: randomUUID,
    now,
    warn,
  };
  const jobs: JobDeps = { ...services, queue, jobs: new DynamoDbJobStore(db, config.tableName) };
  lifecycle.setEffects({
    finished: (task) => onTaskFinished(jobs, task),
    // An agent's slot is free the moment its attempt ends (completed, failed, released, cancelled, lapsed).
    leaseEnded: async (task) => {
      if (task.worker === undefined) return;
      await agents.removeLease(task.tenant, task.worker, task.id).catch(() => undefined);
      // Its long poll, if it has one waiting here, sees the room now rather than at its next re-read.
      signal.notifyAgent(task.tenant, task.worker);
    },
  });
  const circuits = new CachedCircuitStore(new DynamoDbCircuitStore(db, config.tableName), CIRCUIT_CACHE_MS);
  const delivery: DeliveryDeps = {
    lifecycle,
    records,
    circuits,
    pools,
    now,
    random: Math.random,
    jobStopped: new CachedJobStatus(jobs.jobs, JOB_STATUS_CACHE_MS).stopped,
    ...(overrides.leaseGraceSeconds !== undefined ? { leaseGraceSeconds: overrides.leaseGraceSeconds } : {}),
  };
  const agentDeps: AgentDeps = { ...delivery, agents, queries, signal, readyView, newId: randomUUID, newToken: generateToken };
  wired = { config, db, sqs, services, circuits, counters: new DynamoDbTaskCounters(db, config.tableName), jobs, delivery, agentDeps, limits: { rates, gate, now } };
  return wired;
}

/** The use cases' dependencies on DynamoDB and SQS. */
export function awsServices(): Services {
  return wire().services;
}

export function awsSqsClient(): SQSClient {
  return wire().sqs;
}

/** What a worker needs; `remainingMs` comes per invocation. Built once per container. */
export function workerDeps(handlers: HandlerRegistry): Omit<ExecutionDeps, 'remainingMs'> {
  return { ...wire().delivery, handlers, workerId: workerId() };
}

let id: string | undefined;
/** This container's worker id: the function name and a random suffix. */
function workerId(): string {
  id ??= `${process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local'}/${randomUUID().slice(0, 8)}`;
  return id;
}

/** What the agent routes (registry, leases, lease-token calls) need. Built once per container. */
export function agentDeps(): AgentDeps {
  return wire().agentDeps;
}

/** What the job routes and the sweep need. */
export function jobDeps(): JobDeps {
  return wire().jobs;
}

/** What the scheduled sweep needs. */
export function sweepDeps(): SweepDeps {
  const { delivery, services, agentDeps } = wire();
  return { ...delivery, queries: services.queries, warn: services.warn, agents: agentDeps.agents };
}

/** The table stream consumer's counters (/stats counts). */
export function taskCounters(): TaskCounters {
  return wire().counters;
}

/** What the /dlq routes need. */
export function deadLetterDeps(): DeadLetterDeps {
  const { services, sqs, config } = wire();
  const jobs = jobDeps();
  return {
    lifecycle: services.lifecycle,
    records: services.records,
    pools: services.pools,
    now: services.now,
    reader: new SqsDeadLetterReader(sqs, config.dlqUrls),
    jobs: jobs.jobs,
    continueJob: (job) => continueExpansion(jobs, job),
  };
}

/** What the /rate-limits routes need. */
export function rateLimitDeps(): RateLimitDeps {
  return wire().limits;
}

/** What GET /stats reads. */
export function statsDeps(): Parameters<typeof getStats>[0] {
  const { services, sqs, config, circuits, counters } = wire();
  return {
    agents: services.agents,
    counters,
    aggregates: new DynamoDbMinuteAggregates(wire().db, config.tableName),
    queueStats: new SqsQueueStats(sqs, TOPOLOGY.queues, config.queueUrls, config.dlqUrls),
    circuits,
    pools: TOPOLOGY.pools,
    now: () => new Date(),
    rates: wire().limits.rates,
  };
}

/** What GET /jobs and GET /workers[/{id}] read (the dashboard's lists). */
export function listDeps(): { jobs: import('./ports/job-store.js').JobStore; agents: import('./ports/agent-store.js').AgentStore; now: () => Date } {
  const { jobs, agentDeps } = wire();
  return { jobs: jobs.jobs, agents: agentDeps.agents, now: () => new Date() };
}

let schedules: ScheduleDeps | undefined;
/** What the /schedules routes and the schedule tick need. Built once per container. */
export function scheduleDeps(): ScheduleDeps {
  if (schedules !== undefined) return schedules;
  const { services, db, config } = wire();
  schedules = { ...services, schedules: new DynamoDbScheduleStore(db, config.tableName) };
  return schedules;
}

// ── Events and webhooks (issue #14) ───────────────────────────────────────────

/** How long the stream consumer trusts its copy of a tenant's webhooks: a new webhook hears events after at most this. */
/** Read when used, not at import: a test (or the local runtime) may set it after this module loads. */
const webhookListCacheMs = (): number => Number(process.env.TASKFLEET_WEBHOOK_LIST_CACHE_MS ?? 5_000);

/** What the /webhooks routes need. */
export function webhookDeps(): WebhookDeps {
  const { db, config } = wire();
  return { webhooks: new DynamoDbWebhookStore(db, config.tableName), policy: addressPolicy(), newId: randomUUID, now: () => new Date() };
}

/** What GET /events reads. */
export function eventLogDeps(): { eventLog: EventLog; now: () => Date } {
  const { db, config } = wire();
  return { eventLog: new DynamoDbEventLog(db, config.tableName), now: () => new Date() };
}

let consumer: StreamConsumerDeps | undefined;
/** What the table-stream consumer needs. Built once per container. */
export function streamConsumerDeps(): StreamConsumerDeps {
  if (consumer !== undefined) return consumer;
  const { db, sqs, config } = wire();
  const store = new DynamoDbWebhookStore(db, config.tableName);
  const cache = new Map<string, { at: number; list: Promise<readonly Webhook[]> }>();
  consumer = {
    publisher: new SnsEventPublisher(createSnsClient(), requiredEnv(EVENTS_ENV.topicArn)),
    deliveries: new SqsDeliveryQueue(sqs, requiredEnv(EVENTS_ENV.deliveryQueueUrl), process.env[EVENTS_ENV.deliveryDlqUrl] ?? ''),
    eventLog: new DynamoDbEventLog(db, config.tableName),
    metrics: new EmfEventMetrics(),
    webhooksOf: (tenant) => {
      const hit = cache.get(tenant);
      if (hit !== undefined && Date.now() - hit.at < webhookListCacheMs()) return hit.list;
      const list = store.list(tenant);
      cache.set(tenant, { at: Date.now(), list });
      list.catch(() => cache.delete(tenant));
      return list;
    },
    now: () => new Date(),
    warn: (message, details) => logger.warn(message, details),
    counters: wire().counters,
    batches: new DynamoDbStreamBatches(db, config.tableName),
    ...(config.valuesBucket !== undefined ? { values: { values: new S3ValueStore(createS3Client(endpointsFromEnv()), config.valuesBucket), records: wire().services.records } } : {}),
    readyTenants: { marks: readyTenants(), agentPools: new Set(agentPoolNames()) },
  };
  return consumer;
}

// ── Backlog of agent pools (the sweep's OldestReadySeconds) ───────────────────

const agentPoolNames = (): string[] => TOPOLOGY.pools.filter((pool) => pool.runsOn === 'agents').map((pool) => pool.name);
let readyMarks: DynamoDbReadyTenants | undefined;
/** Which tenants have work waiting in agent pools: one per container, so its rewrite skipping holds across batches. */
function readyTenants(): DynamoDbReadyTenants {
  const { db, config } = wire();
  readyMarks ??= new DynamoDbReadyTenants(db, config.tableName);
  return readyMarks;
}

/** What the sweep measures the agent pools' backlog with. */
export function backlogDeps(): BacklogDeps {
  return { queries: wire().services.queries, readyTenants: readyTenants(), agentPools: agentPoolNames(), now: () => new Date() };
}

let delivery: WebhookDeliveryDeps | undefined;
/** What the webhook delivery function needs. Built once per container. */
export function webhookDeliveryDeps(): WebhookDeliveryDeps {
  if (delivery !== undefined) return delivery;
  const { db, sqs, config } = wire();
  const policy = addressPolicy();
  delivery = {
    webhooks: new DynamoDbWebhookStore(db, config.tableName),
    queue: new SqsDeliveryQueue(sqs, requiredEnv(EVENTS_ENV.deliveryQueueUrl), requiredEnv(EVENTS_ENV.deliveryDlqUrl)),
    send: (url, body, headers) => sendWebhook(url, body, headers, policy),
    retry: deliveryRetryPolicy(),
    now: () => new Date(),
    random: Math.random,
  };
  return delivery;
}

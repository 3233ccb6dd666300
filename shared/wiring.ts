import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createSqsClient, endpointsFromEnv } from './adapters/aws-clients.js';
import { CachedCircuitStore } from './adapters/cached-circuit-store.js';
import { DynamoDbCircuitStore } from './adapters/dynamodb/dynamodb-circuit-store.js';
import { DynamoDbTaskStore } from './adapters/dynamodb/dynamodb-task-store.js';
import { DynamoDbTokenStore } from './adapters/dynamodb/dynamodb-token-store.js';
import { SqsDeadLetterReader, SqsDeadLetters } from './adapters/sqs/sqs-dead-letters.js';
import type { DeadLetterDeps } from './services/dead-letters.js';
import type { DeliveryDeps } from './services/claim-delivery.js';
import { SqsQueueStats } from './adapters/sqs/sqs-queue-stats.js';
import { SqsTaskQueue } from './adapters/sqs/sqs-task-queue.js';
import { loadConfig, policyOverrides, type FunctionConfig } from './config.js';
import type { HandlerRegistry } from './handlers.js';
import type { CircuitStore } from './ports/circuit-store.js';
import type { Services } from './services/deps.js';
import type { ExecutionDeps } from './services/execute-task.js';
import type { AgentDeps } from './services/agents.js';
import { DynamoDbAgentStore } from './adapters/dynamodb/dynamodb-agent-store.js';
import { SqsAgentQueue } from './adapters/sqs/sqs-agent-queue.js';
import { generateToken } from './domain/token.js';
import { routeToPool } from './domain/routing.js';
import { DynamoDbJobStore } from './adapters/dynamodb/dynamodb-job-store.js';
import { FollowThroughTaskStore } from './adapters/follow-through-task-store.js';
import { onTaskFinished } from './services/fan-in.js';
import type { JobDeps } from './services/jobs.js';
import type { getStats } from './services/get-stats.js';
import { TOPOLOGY } from './topology/topology.js';

export const logger = new Logger({ serviceName: 'taskfleet' });

/** How stale a worker's view of its pool's circuit may be. */
const CIRCUIT_CACHE_MS = 1_000;

/**
 * The AWS-backed adapters, built once per container (or local process) from the
 * environment on first use, so a missing variable fails loudly and early.
 */
interface Wired {
  readonly config: FunctionConfig;
  readonly db: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly services: Services;
  readonly circuits: CircuitStore;
  readonly agents: DynamoDbAgentStore;
  readonly jobs: JobDeps;
  /** What both a Lambda worker and the agent routes claim and settle deliveries with. */
  readonly delivery: DeliveryDeps;
}

let wired: Wired | undefined;

function wire(): Wired {
  if (wired !== undefined) return wired;
  const config = loadConfig();
  const endpoints = endpointsFromEnv();
  const db = createDocumentClient(endpoints);
  const sqs = createSqsClient(endpoints);
  const route = (requires: readonly string[]): string | undefined => {
    const routed = routeToPool(TOPOLOGY.pools, requires);
    return routed.ok ? routed.pool.name : undefined;
  };
  const warn = (message: string, details: Record<string, unknown>): void => logger.warn(message, details);
  // Fan-in and next stages follow every final transition; they need the job services, built below.
  let jobs: JobDeps | undefined;
  const store = new FollowThroughTaskStore(
    new DynamoDbTaskStore(db, config.tableName, route),
    (task) => onTaskFinished(jobs as JobDeps, task),
    warn,
  );
  const services: Services = {
    store,
    queue: new SqsTaskQueue(sqs, config.queueUrls),
    tokens: new DynamoDbTokenStore(db, config.tableName),
    pools: TOPOLOGY.pools,
    newId: randomUUID,
    now: () => new Date(),
    warn,
  };
  jobs = { ...services, jobs: new DynamoDbJobStore(db, config.tableName) };
  const circuits = new CachedCircuitStore(new DynamoDbCircuitStore(db, config.tableName), CIRCUIT_CACHE_MS);
  const overrides = policyOverrides();
  const delivery: DeliveryDeps = {
    store,
    circuits,
    deadLetters: new SqsDeadLetters(sqs, config.dlqUrls),
    // Pools with the environment's policy overrides applied.
    pools: TOPOLOGY.pools.map((pool) => ({
      ...pool,
      retry: { ...pool.retry, ...overrides.retry },
      circuit: { ...pool.circuit, ...overrides.circuit },
    })),
    now: () => new Date(),
    random: Math.random,
    ...(overrides.leaseGraceSeconds !== undefined ? { leaseGraceSeconds: overrides.leaseGraceSeconds } : {}),
  };
  wired = { config, db, sqs, services, circuits, agents: new DynamoDbAgentStore(db, config.tableName), jobs, delivery };
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

let agent: AgentDeps | undefined;
/** What the agent routes (registry, leases, lease-token calls) need. Built once per container. */
export function agentDeps(): AgentDeps {
  if (agent !== undefined) return agent;
  const { delivery, sqs, config, agents } = wire();
  agent = { ...delivery, agents, agentQueue: new SqsAgentQueue(sqs, config.queueUrls), newId: randomUUID, newToken: generateToken };
  return agent;
}

/** What the job routes and the reconciler need. */
export function jobDeps(): JobDeps {
  return wire().jobs;
}

/** What the /dlq routes need. */
export function deadLetterDeps(): DeadLetterDeps {
  const { services, sqs, config } = wire();
  return { ...services, reader: new SqsDeadLetterReader(sqs, config.dlqUrls) };
}

/** What GET /stats reads. */
export function statsDeps(): Parameters<typeof getStats>[0] {
  const { services, sqs, config, circuits, agents } = wire();
  return {
    agents,
    store: services.store,
    queueStats: new SqsQueueStats(sqs, TOPOLOGY.queues, config.queueUrls, config.dlqUrls),
    circuits,
    pools: TOPOLOGY.pools,
    now: () => new Date(),
  };
}

import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient, createSqsClient, endpointsFromEnv } from './adapters/aws-clients.js';
import { DynamoDbTaskStore } from './adapters/dynamodb/dynamodb-task-store.js';
import { DynamoDbTokenStore } from './adapters/dynamodb/dynamodb-token-store.js';
import { SqsTaskQueue } from './adapters/sqs/sqs-task-queue.js';
import { loadConfig, policyOverrides } from './config.js';
import { DynamoDbCircuitStore } from './adapters/dynamodb/dynamodb-circuit-store.js';
import { SqsDeadLetters } from './adapters/sqs/sqs-dead-letters.js';
import type { ExecutionDeps } from './services/execute-task.js';
import type { Pool } from './topology/topology.js';
import type { HandlerRegistry } from './handlers.js';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Services } from './services/deps.js';
import { TOPOLOGY } from './topology/topology.js';

export const logger = new Logger({ serviceName: 'taskfleet' });

let services: Services | undefined;
let sqs: SQSClient | undefined;
let execution: Omit<ExecutionDeps, 'remainingMs'> | undefined;

/**
 * The AWS-backed services, built once per container (or local process) from the
 * environment: config is read on first use so a missing variable fails loudly.
 */
export function awsServices(): Services {
  if (services !== undefined) return services;
  const config = loadConfig();
  const endpoints = endpointsFromEnv();
  const db = createDocumentClient(endpoints);
  sqs = createSqsClient(endpoints);
  services = {
    store: new DynamoDbTaskStore(db, config.tableName),
    queue: new SqsTaskQueue(sqs, config.queueUrls),
    tokens: new DynamoDbTokenStore(db, config.tableName),
    pools: TOPOLOGY.pools,
    newId: randomUUID,
    now: () => new Date(),
    warn: (message, details) => logger.warn(message, details),
  };
  return services;
}

/** The SQS client the services use (built with them). */
export function awsSqsClient(): SQSClient {
  awsServices();
  return sqs as SQSClient;
}

/** Pools with the environment's policy overrides applied. */
function effectivePools(): readonly Pool[] {
  const overrides = policyOverrides();
  return TOPOLOGY.pools.map((pool) => ({
    ...pool,
    retry: { ...pool.retry, ...overrides.retry },
    circuit: { ...pool.circuit, ...overrides.circuit },
  }));
}

/** What a worker needs, built once per container; `remainingMs` comes per invocation. */
export function workerDeps(handlers: HandlerRegistry): Omit<ExecutionDeps, 'remainingMs'> {
  if (execution !== undefined) return execution;
  const base = awsServices();
  const config = loadConfig();
  const db = createDocumentClient(endpointsFromEnv());
  execution = {
    store: base.store,
    circuits: new DynamoDbCircuitStore(db, config.tableName),
    deadLetters: new SqsDeadLetters(awsSqsClient(), config.dlqUrls),
    handlers,
    pools: effectivePools(),
    workerId: `${process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local'}/${randomUUID().slice(0, 8)}`,
    now: () => new Date(),
    random: Math.random,
  };
  return execution;
}

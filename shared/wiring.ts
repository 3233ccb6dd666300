import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient, createSqsClient, endpointsFromEnv } from './adapters/aws-clients.js';
import { DynamoDbTaskStore } from './adapters/dynamodb/dynamodb-task-store.js';
import { DynamoDbTokenStore } from './adapters/dynamodb/dynamodb-token-store.js';
import { SqsTaskQueue } from './adapters/sqs/sqs-task-queue.js';
import { loadConfig } from './config.js';
import type { Services } from './services/deps.js';
import { TOPOLOGY } from './topology/topology.js';

export const logger = new Logger({ serviceName: 'taskfleet' });

let services: Services | undefined;

/**
 * The AWS-backed services, built once per container (or local process) from the
 * environment: config is read on first use so a missing variable fails loudly.
 */
export function awsServices(): Services {
  if (services !== undefined) return services;
  const config = loadConfig();
  const endpoints = endpointsFromEnv();
  const db = createDocumentClient(endpoints);
  services = {
    store: new DynamoDbTaskStore(db, config.tableName),
    queue: new SqsTaskQueue(createSqsClient(endpoints), config.queueUrls),
    tokens: new DynamoDbTokenStore(db, config.tableName),
    pools: TOPOLOGY.pools,
    newId: randomUUID,
    now: () => new Date(),
    warn: (message, details) => logger.warn(message, details),
  };
  return services;
}

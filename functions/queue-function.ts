import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { AppServices } from '../shared/composition.js';
import { logger } from '../shared/logger.js';
import { servicesFromEnvironment } from './environment-services.js';

/**
 * One SQS-fed function from how it handles a record: a record that throws is
 * reported as a batch item failure and stays on its queue; the others are deleted.
 * `makeHandler` runs over a given services instance (the local runtime's),
 * `handler` over the container's own.
 */
export function queueFunction(recordHandler: (services: AppServices, context: Context) => (record: SQSRecord) => Promise<void>): {
  makeHandler: (services: () => AppServices) => middy.MiddyfiedHandler<SQSEvent, SQSBatchResponse>;
  handler: middy.MiddyfiedHandler<SQSEvent, SQSBatchResponse>;
} {
  const makeHandler = (services: () => AppServices) =>
    middy<SQSEvent, SQSBatchResponse>()
      .use(injectLambdaContext(logger))
      // A processor per invocation: the local runtime runs invocations concurrently in one process.
      .handler(async (event, context) => processPartialResponse(event, recordHandler(services(), context), new BatchProcessor(EventType.SQS), { throwOnFullBatchFailure: false }));
  return { makeHandler, handler: makeHandler(servicesFromEnvironment()) };
}

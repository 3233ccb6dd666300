import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { TaskfleetError, TooManyRequestsError } from '../errors.js';
import { logger } from '../logger.js';
import { refuseDenied } from './request.js';
import type { ApiEvent, ApiResult } from './types.js';

export function json(statusCode: number, body: unknown): ApiResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/**
 * Turns thrown errors into answers: a TaskfleetError into its status and JSON
 * body, anything else into a logged 500 that reveals nothing.
 */
export function httpErrors(): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    onError: (request) => {
      const { error } = request;
      if (error instanceof TaskfleetError) {
        request.response = json(error.status, error.toJSON());
        if (error instanceof TooManyRequestsError) request.response.headers = { ...request.response.headers, 'retry-after': String(error.retryAfterSeconds) };
        return;
      }
      if (isInvocationTimeout(error) || isDependencyFault(error)) {
        const timedOut = isInvocationTimeout(error);
        // The function ran out of time (a large batch on a slow table): say so, and that
        // a retry is safe, rather than an anonymous 500. What was written stays written;
        // the same ids or idempotencyKeys make the retry skip it.
        logger.warn(timedOut ? 'invocation timed out' : 'a dependency failed', { routeKey: request.event.routeKey, error: error as Error });
        request.response = {
          ...json(503, {
            error: {
              code: timedOut ? 'timeout' : 'unavailable',
              message: `${timedOut ? 'the request did not finish in time' : 'the task store or a queue failed'}; retry it (with the same ids or idempotencyKeys, nothing is submitted twice)`,
            },
          }),
          headers: { 'content-type': 'application/json', 'retry-after': '1' },
        };
        return;
      }
      logger.error('unhandled error', { error: error as Error, routeKey: request.event.routeKey });
      request.response = json(500, { error: { code: 'internal', message: 'internal error' } });
    },
  };
}

/**
 * A server-side fault of a dependency the SDK gave up retrying (DynamoDB's
 * InternalServerError, throttling; DynamoDB Local on a busy disk: "waiting for a
 * lock"): the request may be retried, so 503, not a 500 that reads as a bug.
 */
function isDependencyFault(error: unknown): boolean {
  const fault = error as { $fault?: string; $retryable?: unknown; name?: string } | undefined;
  return fault?.$fault === 'server' || fault?.$retryable !== undefined || fault?.name === 'ThrottlingException' || fault?.name === 'ProvisionedThroughputExceededException';
}

/** middy's early timeout (the Lambda's remaining time ran out), as opposed to a bug. */
function isInvocationTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError' && (error.cause as { package?: string } | undefined)?.package === '@middy/core';
}

/**
 * A caller the authorizer found no tenant for is refused before the route's own
 * code runs (401 or 403, in the API's error format): no body check, no store call.
 */
export function deniedCallers(): MiddlewareObj<ApiEvent, ApiResult> {
  return { before: (request) => refuseDenied(request.event) };
}

/** A route handler: the business function plus the middleware every route has. */
export function httpHandler(
  fn: (event: ApiEvent, context: Context) => Promise<ApiResult>,
): middy.MiddyfiedHandler<ApiEvent, ApiResult> {
  // Lambda context on every line, and debug sampling decided per invocation (POWERTOOLS_LOGGER_SAMPLE_RATE).
  return middy<ApiEvent, ApiResult>().use(injectLambdaContext(logger)).use(httpErrors()).use(deniedCallers()).handler(fn);
}

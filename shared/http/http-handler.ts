import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { TaskfleetError } from '../errors.js';
import { logger } from '../wiring.js';
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
        return;
      }
      logger.error('unhandled error', { error: error as Error, routeKey: request.event.routeKey });
      request.response = json(500, { error: { code: 'internal', message: 'internal error' } });
    },
  };
}

/** A route handler: the business function plus the middleware every route has. */
export function httpHandler(
  fn: (event: ApiEvent, context: Context) => Promise<ApiResult>,
): middy.MiddyfiedHandler<ApiEvent, ApiResult> {
  return middy<ApiEvent, ApiResult>().use(httpErrors()).handler(fn);
}

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import type { AuthorizerContext } from '../shared/http/types.js';
import { authorizerVerdict } from '../shared/services/authorize.js';
import { authorizerDeps, logger } from '../shared/wiring.js';

type Result = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>;

/**
 * API Gateway Lambda authorizer (simple responses), run for every request of an
 * authorized route: a known token's hash → its tenant and whether it is an
 * operator's; no token, an unknown, revoked or expired one, or a request over
 * the rate its token carries → `denied`, which the route answers with 401/403/429
 * in the API's error format (see AuthorizerContext).
 */
export const handler = middy<APIGatewayRequestAuthorizerEventV2, Result>()
  .use(injectLambdaContext(logger))
  .handler(async (event): Promise<Result> => ({ isAuthorized: true, context: await authorizerVerdict(authorizerDeps(), event.headers?.authorization, Date.now()) }));

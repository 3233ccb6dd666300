import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import type { AppServices } from '../shared/composition.js';
import type { AuthorizerContext } from '../shared/http/types.js';
import { logger } from '../shared/logger.js';
import { authorizerVerdict, VerdictCache } from '../shared/services/authorize.js';
import { servicesFromEnvironment } from './environment-services.js';

type Result = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>;

/**
 * API Gateway Lambda authorizer (simple responses), run for every request of an
 * authorized route: a known token's hash → its tenant and whether it is an
 * operator's; no token, an unknown, revoked or expired one, or a request over
 * the rate its token carries → `denied`, which the route answers with 401/403/429
 * in the API's error format (see AuthorizerContext). Each instance keeps its own
 * verdicts (one per container).
 */
export const makeHandler = (services: () => AppServices) => {
  const cache = new VerdictCache();
  return middy<APIGatewayRequestAuthorizerEventV2, Result>()
    .use(injectLambdaContext(logger))
    .handler(async (event): Promise<Result> => ({ isAuthorized: true, context: await authorizerVerdict(services().authorizerDeps(cache), event.headers?.authorization, Date.now()) }));
};

export const handler = makeHandler(servicesFromEnvironment());

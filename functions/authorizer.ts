import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import type { AppServices } from '../shared/composition.js';
import type { AuthorizerContext } from '../shared/http/types.js';
import { logger } from '../shared/logger.js';
import { authorizerVerdict, type VerdictCache } from '../shared/services/authorize.js';
import { servicesFromEnvironment } from './environment-services.js';

type Result = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>;

/**
 * API Gateway Lambda authorizer (simple responses), run for every request of an
 * authorized route: a known token's hash → its tenant and whether it is an
 * operator's; no token or an unknown one → `denied`, which the route answers
 * with 401/403 in the API's error format (see AuthorizerContext). Each instance
 * keeps its own verdicts (one per container).
 */
export const makeHandler = (services: () => AppServices) => {
  const verdicts: VerdictCache = new Map();
  return middy<APIGatewayRequestAuthorizerEventV2, Result>()
    .use(injectLambdaContext(logger))
    .handler(async (event): Promise<Result> => ({ isAuthorized: true, context: await authorizerVerdict(services().taskDeps.tokens, verdicts, event.headers?.authorization, Date.now()) }));
};

export const handler = makeHandler(servicesFromEnvironment());

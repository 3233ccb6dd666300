import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import type { TenantContext } from '../shared/http/types.js';
import { authorize } from '../shared/services/authorize.js';
import { awsServices, logger } from '../shared/wiring.js';

type Result = APIGatewaySimpleAuthorizerWithContextResult<Partial<TenantContext>>;

/** API Gateway Lambda authorizer (simple responses): a known token's hash → its tenant, and whether it is an operator's. */
export const handler = middy<APIGatewayRequestAuthorizerEventV2, Result>().use(injectLambdaContext(logger)).handler(async (event): Promise<Result> => {
  const grant = await authorize(awsServices().tokens, event.headers?.authorization ?? event.identitySource?.[0]);
  return grant === undefined ? { isAuthorized: false, context: {} } : { isAuthorized: true, context: { tenant: grant.tenant, operator: grant.operator } };
});

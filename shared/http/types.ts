import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** What the Lambda authorizer puts in the request context. */
export interface TenantContext {
  readonly tenant: string;
  /** An operator's token: may see pool-wide figures (shared queue depths, DLQs, circuits). */
  readonly operator?: boolean;
}

export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<TenantContext>;
export type ApiResult = APIGatewayProxyStructuredResultV2;

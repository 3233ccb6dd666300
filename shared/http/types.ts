import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AuthVerdict } from '../domain/token.js';

/**
 * The authorizer's context as a route receives it. The authorizer lets every
 * request through and says who it is or why it is no one, so that the route
 * answers 401/403 in the API's error format (an HTTP API has no gateway
 * responses: its own denials would be `{"message":"Forbidden"}`).
 */
export type AuthorizerContext = AuthVerdict;

export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;
export type ApiResult = APIGatewayProxyStructuredResultV2;

import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda';
import type { ApiEvent, AuthorizerContext } from '../shared/http/types.js';

export interface RawRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly sourceIp: string;
}

/** Headers as API Gateway v2 passes them: lower-case names, repeated values joined by commas. */
function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

function queryParameters(url: URL): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const name of new Set(url.searchParams.keys())) out[name] = url.searchParams.getAll(name).join(',');
  return Object.keys(out).length > 0 ? out : undefined;
}

function requestContext(request: RawRequest, routeKey: string, now: Date): ApiEvent['requestContext'] {
  return {
    accountId: '000000000000',
    apiId: 'local',
    domainName: request.headers.host ?? '127.0.0.1',
    domainPrefix: 'local',
    http: {
      method: request.method,
      path: request.url.pathname,
      protocol: 'HTTP/1.1',
      sourceIp: request.sourceIp,
      userAgent: request.headers['user-agent'] ?? '',
    },
    requestId: randomUUID(),
    routeKey,
    stage: '$default',
    time: now.toUTCString(),
    timeEpoch: now.getTime(),
    authorizer: { lambda: { tenant: '' } },
  };
}

/** The payload-format-2.0 event API Gateway would hand a route's Lambda. */
export function toApiEvent(
  request: RawRequest,
  routeKey: string,
  pathParameters: Record<string, string>,
  authorizer: AuthorizerContext | undefined,
): ApiEvent {
  const now = new Date();
  const context = requestContext(request, routeKey, now);
  const text = request.body.toString('utf8');
  const query = queryParameters(request.url);
  return {
    version: '2.0',
    routeKey,
    rawPath: request.url.pathname,
    rawQueryString: request.url.search.replace(/^\?/, ''),
    headers: flattenHeaders(request.headers),
    ...(query !== undefined ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    ...(request.body.length > 0 ? { body: text } : {}),
    isBase64Encoded: false,
    requestContext: {
      ...context,
      authorizer: { lambda: authorizer ?? {} },
    },
  };
}

/** The REQUEST authorizer event (payload 2.0) API Gateway sends before an authorized route. */
export function toAuthorizerEvent(request: RawRequest, routeKey: string, identity: string): APIGatewayRequestAuthorizerEventV2 {
  const context = requestContext(request, routeKey, new Date());
  const { authorizer: _authorizer, ...rest } = context;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${routeKey.replace(' ', '')}`,
    identitySource: identity === '' ? [] : [identity],
    routeKey,
    rawPath: request.url.pathname,
    rawQueryString: request.url.search.replace(/^\?/, ''),
    cookies: [],
    headers: flattenHeaders(request.headers),
    requestContext: rest,
  } as APIGatewayRequestAuthorizerEventV2;
}

/** A Lambda context good enough for middy and Powertools. */
export function lambdaContext(functionName: string, timeoutMs = 30_000): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

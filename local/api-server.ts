import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult, Context } from 'aws-lambda';
import type { AppServices } from '../shared/composition.js';
import { MAX_REQUEST_BYTES } from '../shared/domain/limits.js';
import { PayloadTooLargeError, ValidationError } from '../shared/errors.js';
import type { ApiEvent, ApiResult, AuthorizerContext } from '../shared/http/types.js';
import { AUTHORIZER_ENTRY, ROUTES, type RouteSpec } from '../shared/topology/routes.js';
import { lambdaContext, toApiEvent, toAuthorizerEvent, type RawRequest } from './apigw-event.js';
import { importHandler } from './handler-modules.js';
import { InvocationTimer } from './invocations.js';

/** Set (to a file) by the integration suite: every answer is checked against the OpenAPI document, mismatches appended there. */
export const CHECK_RESPONSES_ENV = 'TASKFLEET_CHECK_RESPONSES';

type RouteHandler = (event: ApiEvent, context: Context) => Promise<ApiResult>;
type AuthorizerHandler = (
  event: APIGatewayRequestAuthorizerEventV2,
  context: Context,
) => Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>>;

/**
 * The request limit of the Lambda behind each route (a synchronous invoke takes
 * 6 MB; API Gateway alone would allow 10 MB), so a body AWS would refuse is
 * refused here too, with the API's JSON error.
 */
const MAX_BODY_BYTES = MAX_REQUEST_BYTES;

interface CompiledRoute {
  readonly spec: RouteSpec;
  readonly method: string;
  readonly pattern: RegExp;
  readonly params: readonly string[];
  readonly handler: RouteHandler;
}

/** `GET /tasks/{id}` → method, a path regex and its parameter names. */
function compile(spec: RouteSpec, handler: RouteHandler): CompiledRoute {
  const [method = '', path = ''] = spec.routeKey.split(' ');
  const params: string[] = [];
  const segments = path.split('/').map((segment) => {
    const param = /^\{(\w+)\}$/.exec(segment)?.[1];
    if (param === undefined) return segment.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
    params.push(param);
    return '([^/]+)';
  });
  return { spec, method, pattern: new RegExp(`^${segments.join('/')}/?$`), params, handler };
}

/**
 * Serves the HTTP API the way API Gateway v2 would: the same route table, the
 * same Lambda authorizer first (its verdict in the event: the route answers 401
 * without a token, 403 with a wrong one), and
 * the same handler modules, invoked with payload-format-2.0 events. The handlers
 * run on `services`, the stack's own instance (asked for per request, so the
 * server may listen before the stack has built it).
 */
export async function startApiServer(
  port: number,
  services: () => AppServices,
  options: {
    log?: (line: string) => void;
    /** Times every invocation (the stack's own timer). */
    invocations?: InvocationTimer;
    /** While false, every request (/health too) is answered 503 "starting": the stack is not whole yet. @default always ready */
    ready?: () => boolean;
  } = {},
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const authorizer = await importHandler<AuthorizerHandler>(AUTHORIZER_ENTRY, services);
  const routes = await Promise.all(ROUTES.map(async (spec) => compile(spec, await importHandler<RouteHandler>(spec.entry, services))));

  // The authorizer runs for every request of an authorized route, as deployed (it caches its own verdicts).
  const invocations = options.invocations ?? new InvocationTimer();
  const runAuthorizer: Authorize = async (request, routeKey, identity) => {
    const verdict = await invocations.timed('Authorizer', () => authorizer(toAuthorizerEvent(request, routeKey, identity), lambdaContext('Authorizer')));
    return verdict.isAuthorized ? (verdict.context ?? {}) : undefined;
  };
  // Opt-in (the integration suite sets it): every answer checked against the OpenAPI document.
  const checkFile = process.env[CHECK_RESPONSES_ENV];
  // Imported only then: its validator (ajv) is a dev dependency.
  const check = checkFile !== undefined && checkFile !== '' ? (await import('./response-check.js')).responseChecker(checkFile) : undefined;
  const ready = options.ready ?? (() => true);
  const server = createServer((req, res) => {
    if (options.log !== undefined) logRequest(req, res, options.log);
    if (!ready()) return send(res, STARTING);
    handle(req, res, routes, runAuthorizer, invocations, check).catch((error: unknown) => {
      console.error('local API error', error);
      if (!res.headersSent) send(res, { statusCode: 500, body: JSON.stringify({ message: 'Internal Server Error' }) });
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  return {
    server,
    url: `http://127.0.0.1:${actualPort}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

/** Before the stack is whole: try again in a moment (what a load balancer in front of a starting service answers). */
const STARTING: ApiResult = {
  statusCode: 503,
  headers: { 'retry-after': '1' },
  body: JSON.stringify({ error: { code: 'starting', message: 'the local stack is still starting; try again in a moment' } }),
};

/** The authorizer's context, or undefined when it refused the request outright (API Gateway's own 403). */
type Authorize = (request: RawRequest, routeKey: string, identity: string) => Promise<AuthorizerContext | undefined>;

type CheckResponse = (routeKey: string, result: ApiResult) => void;

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  routes: readonly CompiledRoute[],
  authorize: Authorize,
  invocations: InvocationTimer,
  check?: CheckResponse,
): Promise<void> {
  const body = await readBody(req);
  if (typeof body === 'number') return send(res, { statusCode: 413, body: JSON.stringify(new PayloadTooLargeError(body, MAX_BODY_BYTES).toJSON()) });
  const url = URL.parse(req.url ?? '/', 'http://127.0.0.1');
  // A request target no URL parser accepts (`http://[/health`): refused as a bad path, not a 500.
  if (url === null) return send(res, { statusCode: 400, body: JSON.stringify(new ValidationError([{ field: 'path', message: 'is not a valid request target' }]).toJSON()) });
  const request: RawRequest = {
    method: req.method ?? 'GET',
    url,
    headers: req.headers,
    body,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
  };
  const match = matchRoute(routes, request);
  if (match === undefined) return send(res, { statusCode: 404, body: JSON.stringify({ message: 'Not Found' }) });
  const { route, pathParameters } = match;

  let context: AuthorizerContext | undefined;
  if (route.spec.authorized) {
    // No identity source, as deployed: the authorizer sees requests without a token too, and the route answers 401/403.
    context = await authorize(request, route.spec.routeKey, req.headers.authorization ?? '');
    if (context === undefined) return send(res, { statusCode: 403, body: JSON.stringify({ message: 'Forbidden' }) });
  }
  const event = toApiEvent(request, route.spec.routeKey, pathParameters, context);
  const result = await invocations.timed(route.spec.functionName, () => route.handler(event, lambdaContext(route.spec.functionName)));
  check?.(route.spec.routeKey, result);
  send(res, result);
}

/** `POST /tasks → 202 12ms`, once the answer is sent (ids in paths kept; queries and bodies never logged). */
function logRequest(req: IncomingMessage, res: ServerResponse, log: (line: string) => void): void {
  const started = performance.now();
  res.once('finish', () => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    log(`${new Date().toISOString().slice(11, 23)} ${req.method ?? '?'} ${path.length > 120 ? `${path.slice(0, 120)}…` : path} → ${res.statusCode} ${Math.round(performance.now() - started)}ms`);
  });
}

function matchRoute(routes: readonly CompiledRoute[], request: RawRequest): { route: CompiledRoute; pathParameters: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== request.method) continue;
    const found = route.pattern.exec(request.url.pathname);
    if (found === null) continue;
    const pathParameters = Object.fromEntries(route.params.map((name, i) => [name, found[i + 1] ?? '']));
    return { route, pathParameters };
  }
  return undefined;
}

/** The body, or its size (as far as read) when it is over the limit: the rest is drained, not buffered. */
async function readBody(req: IncomingMessage): Promise<Buffer | number> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES ? Math.max(size, declared) : Buffer.concat(chunks);
}

function send(res: ServerResponse, result: ApiResult): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(result.body ?? '');
}

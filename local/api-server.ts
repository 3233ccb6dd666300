import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult, Context } from 'aws-lambda';
import { MAX_REQUEST_BYTES } from '../shared/domain/limits.js';
import { PayloadTooLargeError } from '../shared/errors.js';
import type { ApiEvent, ApiResult, TenantContext } from '../shared/http/types.js';
import { AUTHORIZER_ENTRY, ROUTES, type RouteSpec } from '../shared/topology/routes.js';
import { lambdaContext, toApiEvent, toAuthorizerEvent, type RawRequest } from './apigw-event.js';

type RouteHandler = (event: ApiEvent, context: Context) => Promise<ApiResult>;
type AuthorizerHandler = (
  event: APIGatewayRequestAuthorizerEventV2,
  context: Context,
) => Promise<APIGatewaySimpleAuthorizerWithContextResult<Partial<TenantContext>>>;

/**
 * The request limit of the Lambda behind each route (a synchronous invoke takes
 * 6 MB; API Gateway alone would allow 10 MB), so a body AWS would refuse is
 * refused here too, with the API's JSON error.
 */
const MAX_BODY_BYTES = MAX_REQUEST_BYTES;
const ROOT = resolve(import.meta.dirname, '..');
/** API Gateway caches an authorizer's answer per token (the stack's resultsCacheTtl); here only grants are cached. */
const AUTHORIZER_CACHE_MS = 300_000;

interface CompiledRoute {
  readonly spec: RouteSpec;
  readonly method: string;
  readonly pattern: RegExp;
  readonly params: readonly string[];
  readonly handler: RouteHandler;
}

async function importHandler<T>(entry: string): Promise<T> {
  const module = (await import(pathToFileURL(resolve(ROOT, entry)).href)) as { handler: T };
  return module.handler;
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
 * same Lambda authorizer first (401 without a token, 403 with a wrong one), and
 * the same handler modules, invoked with payload-format-2.0 events.
 */
export async function startApiServer(port: number, options: { log?: (line: string) => void } = {}): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const authorizer = await importHandler<AuthorizerHandler>(AUTHORIZER_ENTRY);
  const routes = await Promise.all(ROUTES.map(async (spec) => compile(spec, await importHandler<RouteHandler>(spec.entry))));

  const grants = new Map<string, { context: TenantContext; until: number }>();
  const cachedAuthorizer: Authorize = async (request, routeKey, identity) => {
    const cached = grants.get(identity);
    if (cached !== undefined && cached.until > Date.now()) return cached.context;
    const verdict = await authorizer(toAuthorizerEvent(request, routeKey, identity), lambdaContext('Authorizer'));
    if (!verdict.isAuthorized || verdict.context?.tenant === undefined) return undefined;
    const context = { tenant: verdict.context.tenant, operator: verdict.context.operator === true };
    if (grants.size > 10_000) grants.clear();
    grants.set(identity, { context, until: Date.now() + AUTHORIZER_CACHE_MS });
    return context;
  };
  const server = createServer((req, res) => {
    if (options.log !== undefined) logRequest(req, res, options.log);
    handle(req, res, routes, cachedAuthorizer).catch((error: unknown) => {
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

type Authorize = (request: RawRequest, routeKey: string, identity: string) => Promise<TenantContext | undefined>;

async function handle(req: IncomingMessage, res: ServerResponse, routes: readonly CompiledRoute[], authorize: Authorize): Promise<void> {
  const body = await readBody(req);
  if (typeof body === 'number') return send(res, { statusCode: 413, body: JSON.stringify(new PayloadTooLargeError(body, MAX_BODY_BYTES).toJSON()) });
  const request: RawRequest = {
    method: req.method ?? 'GET',
    url: new URL(req.url ?? '/', 'http://127.0.0.1'),
    headers: req.headers,
    body,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
  };
  const match = matchRoute(routes, request);
  if (match === undefined) return send(res, { statusCode: 404, body: JSON.stringify({ message: 'Not Found' }) });
  const { route, pathParameters } = match;

  let tenant: TenantContext | undefined;
  if (route.spec.authorized) {
    const identity = req.headers.authorization;
    if (identity === undefined || identity === '') return send(res, { statusCode: 401, body: JSON.stringify({ message: 'Unauthorized' }) });
    tenant = await authorize(request, route.spec.routeKey, identity);
    if (tenant === undefined) return send(res, { statusCode: 403, body: JSON.stringify({ message: 'Forbidden' }) });
  }
  const event = toApiEvent(request, route.spec.routeKey, pathParameters, tenant);
  send(res, await route.handler(event, lambdaContext(route.spec.functionName)));
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

import { z } from 'zod';
import { ROUTES } from '../topology/routes.js';
import { API_CONTRACT, pathParameterSchemas, type RouteContract } from './api-contract.js';
import { ErrorSchema, responseSchemas } from './responses.js';

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the topology's routes,
 * the request schemas the services parse with and the response schemas of
 * responses.ts (zod 4's own JSON Schema output, draft 2020-12 as OpenAPI 3.1
 * uses). Served at `GET /openapi.json`, written to docs/openapi.json by
 * `npm run openapi`; never edited by hand.
 */
export type OpenApiDocument = { readonly openapi: string; readonly paths: Record<string, Record<string, unknown>> } & Record<string, unknown>;

type JsonSchema = Record<string, unknown>;

const COMPONENT = (id: string): string => `#/components/schemas/${id}`;

/** Statuses every route behind the authorizer can answer, besides its own. */
const AUTHORIZED_ERRORS = [401, 403, 429, 500, 503] as const;

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Bad input: every wrong field is named in `error.fields`.',
  401: 'No bearer token.',
  403: 'The bearer token grants nothing (unknown or revoked).',
  404: 'No such resource (another tenant’s is not found either).',
  409: 'Conflict: already finished, a stale lease token, a taken id, or a limit reached.',
  413: 'The body is over the 6 MB a Lambda invoke accepts.',
  422: 'No pool or agent can ever run it (capabilities, resources, a pool’s limits).',
  429: 'Throttled: retry after a pause.',
  500: 'An unexpected error; nothing about it is revealed.',
  503: 'A dependency failed or the request ran out of time; safe to retry (with the same ids or idempotency keys).',
};

/**
 * One schema, inline; a named resource inside it (zod puts it in `$defs`) becomes
 * a `$ref` to its component.
 */
function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _schema, $defs, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', metadata: responseSchemas }) as JsonSchema;
  if ($defs === undefined) return rest;
  const defs = Object.keys($defs as JsonSchema);
  const unnamed = defs.filter((id) => !(id in COMPONENT_SCHEMAS));
  if (unnamed.length > 0) throw new Error(`schema parts ${unnamed.join(', ')} are reused but not named in responses.ts`);
  return JSON.parse(JSON.stringify(rest).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
}

/** A response schema: a `$ref` to its component when it is a named resource. */
function responseSchema(schema: z.ZodType): JsonSchema {
  const id = responseSchemas.get(schema)?.id;
  return id !== undefined ? { $ref: COMPONENT(id) } : toSchema(schema, 'output');
}

function namedSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(responseSchemas, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any', uri: COMPONENT }) as { schemas: Record<string, JsonSchema> };
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _s, $id: _id, ...schema }]) => [id, schema]));
}

/** The named resources' schemas (only the modules that serve or write the document import this one). */
const COMPONENT_SCHEMAS: Readonly<Record<string, JsonSchema>> = namedSchemas();

function parameters(path: string, contract: RouteContract): JsonSchema[] {
  const inPath = [...path.matchAll(/\{(\w+)\}/g)].map(([, name = '']) => {
    const known = pathParameterSchemas[name];
    return { name, in: 'path', required: true, description: known?.description, schema: toSchema(known?.schema ?? z.string(), 'input') };
  });
  if (contract.query === undefined) return inPath;
  const query = toSchema(contract.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  const inQuery = Object.entries(query.properties ?? {}).map(([name, { description, ...schema }]) => ({
    name,
    in: 'query',
    required: query.required?.includes(name) ?? false,
    ...(description !== undefined ? { description } : {}),
    schema,
  }));
  return [...inPath, ...inQuery];
}

function responses(contract: RouteContract, authorized: boolean): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(contract.ok)) {
    answers[status] =
      schema === null
        ? { description: status === '204' ? 'Done; no body.' : 'A file of the dashboard.' }
        : { description: responseSchemas.get(schema)?.description ?? 'OK', content: { 'application/json': { schema: responseSchema(schema) } } };
  }
  const errors = [...new Set([...contract.errors, ...(authorized ? AUTHORIZED_ERRORS : [])])].sort((a, b) => a - b);
  for (const status of errors) {
    const body = contract.errorBodies?.[status];
    answers[String(status)] =
      body === undefined ? { $ref: `#/components/responses/E${status}` } : { description: ERROR_DESCRIPTIONS[status], content: { 'application/json': { schema: responseSchema(body) } } };
  }
  return answers;
}

/** `GET /tasks/{id}` → `getTasksById`: a stable operationId for generated clients. */
function operationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((part) => (part.startsWith('{') ? `By ${part.slice(1, -1)}` : part))
    .join(' ')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0]?.toUpperCase() + w.slice(1))].join('');
}

/** The document. Throws when a route of the topology has no contract (or the reverse). */
export function buildOpenApiDocument(): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  const described = new Set(Object.keys(API_CONTRACT));
  for (const route of ROUTES) {
    const contract = API_CONTRACT[route.routeKey];
    if (contract === undefined) throw new Error(`route ${route.routeKey} has no contract in shared/http/api-contract.ts`);
    described.delete(route.routeKey);
    const [method = '', path = ''] = route.routeKey.split(' ');
    const body =
      contract.body === undefined
        ? {}
        : { requestBody: { required: contract.bodyRequired ?? true, content: { 'application/json': { schema: toSchema(contract.body, 'input') } } } };
    const params = parameters(path, contract);
    paths[path] ??= {};
    paths[path][method.toLowerCase()] = {
      operationId: operationId(method, path),
      summary: contract.summary,
      tags: [contract.tag],
      ...(route.authorized ? {} : { security: [] }),
      ...(params.length > 0 ? { parameters: params } : {}),
      ...body,
      responses: responses(contract, route.authorized),
    };
  }
  if (described.size > 0) throw new Error(`contracts for routes the topology does not have: ${[...described].join(', ')}`);
  const errorResponses = Object.fromEntries(
    Object.entries(ERROR_DESCRIPTIONS).map(([status, description]) => [`E${status}`, { description, content: { 'application/json': { schema: { $ref: COMPONENT(responseSchemas.get(ErrorSchema)?.id ?? 'Error') } } } }]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'taskfleet',
      version: '0.1.0',
      description:
        'Distribute tasks across Lambda functions and external agents: priorities, capability routing, retries, dead-letter queues, progress and fan-in. Every route but /health, /openapi.json and the dashboard needs `Authorization: Bearer <token>`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    security: [{ bearerToken: [] }],
    paths,
    components: {
      schemas: COMPONENT_SCHEMAS,
      responses: errorResponses,
      securitySchemes: { bearerToken: { type: 'http', scheme: 'bearer', description: 'A tenant token (`taskfleet tokens` / `npm run add-token`).' } },
    },
  };
}

import { MAX_REQUEST_BYTES } from '../domain/limits.js';
import { jsonBodyProblems } from '../domain/json-body.js';
import { decodePathId, MAX_JSON_DEPTH, tooDeep } from '../domain/validation.js';
import { ForbiddenError, MalformedJsonError, PayloadTooLargeError, TokenNoLongerValidError, TooManyRequestsError, UnauthorizedError, ValidationError } from '../errors.js';
import type { ApiEvent } from './types.js';

/**
 * How deep a whole body may nest: a field's own limit (MAX_JSON_DEPTH) plus the
 * envelope around it (`{tasks: [{payload: …}]}`), so the field's check names it.
 */
const MAX_BODY_DEPTH = MAX_JSON_DEPTH + 4;

/**
 * The JSON body; a missing or unparsable body is a 400 naming `body`, one over
 * the Lambda invoke limit a 413, one nested too deep a 400 before any schema
 * (whose recursive walk it could overflow) sees it, and so is a number JSON
 * cannot hold or a prototype key anywhere in it (400 naming the field).
 */
export function jsonBody(event: Pick<ApiEvent, 'body' | 'isBase64Encoded'>): unknown {
  if (event.body === undefined || event.body === '') {
    throw new ValidationError([{ field: 'body', message: 'a JSON body is required' }]);
  }
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.byteLength > MAX_REQUEST_BYTES) throw new PayloadTooLargeError(bytes.byteLength, MAX_REQUEST_BYTES);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (error) {
    throw new MalformedJsonError(error);
  }
  const problems = jsonBodyProblems(value, MAX_BODY_DEPTH);
  if (problems.tooDeep) throw new ValidationError([{ field: 'body', message: tooDeep(MAX_BODY_DEPTH) }]);
  // Numbers JSON cannot carry and prototype keys, at any depth, on every route (shared/domain/json-body.ts).
  if (problems.fields.length > 0) throw new ValidationError(problems.fields);
  return value;
}

/** The JSON body, or `{}` when there is none (routes whose every field is optional). */
export function optionalJsonBody(event: Pick<ApiEvent, 'body' | 'isBase64Encoded'>): unknown {
  return event.body === undefined || event.body === '' ? {} : jsonBody(event);
}

/**
 * Refuses a request the authorizer let through without a tenant: 401 without a
 * bearer token or with a revoked or expired one, 403 with one that grants nothing,
 * 429 over the tenant's request rate. Every route's middleware runs
 * it first (http-handler.ts), so a refused caller learns nothing of the route.
 */
export function refuseDenied(event: Pick<ApiEvent, 'requestContext'>): void {
  const context = event.requestContext.authorizer?.lambda;
  const denied = context?.denied;
  if (denied === 'missing') throw new UnauthorizedError();
  if (denied === 'revoked' || denied === 'expired') throw new TokenNoLongerValidError(denied);
  if (denied === 'throttled') throw new TooManyRequestsError(Math.max(1, Math.ceil(Number(context?.retryAfterSeconds) || 1)));
  if (denied !== undefined) throw new ForbiddenError();
}

/** The tenant the authorizer resolved; its absence means the route was not authorized. */
export function tenantOf(event: Pick<ApiEvent, 'requestContext'>): string {
  refuseDenied(event);
  const tenant = event.requestContext.authorizer?.lambda?.tenant;
  if (typeof tenant !== 'string' || tenant === '') throw new UnauthorizedError();
  return tenant;
}

/** Whether the authorizer marked the caller's token as an operator's. */
export function isOperator(event: Pick<ApiEvent, 'requestContext'>): boolean {
  const operator: unknown = event.requestContext.authorizer?.lambda?.operator;
  return operator === true || operator === 'true';
}

/**
 * A `{id}` path parameter, decoded and checked before any store call: a
 * malformed `%` escape, an over-long segment or a character no id holds is a
 * 400 naming the parameter.
 */
export function pathParameter(event: Pick<ApiEvent, 'pathParameters'>, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === '') throw new ValidationError([{ field: name, message: 'is required in the path' }]);
  const decoded = decodePathId(value);
  if (!decoded.ok) throw new ValidationError([{ field: name, message: decoded.message }]);
  return decoded.value;
}

import { MalformedJsonError, UnauthorizedError, ValidationError } from '../errors.js';
import type { ApiEvent } from './types.js';

/** The JSON body; a missing or unparsable body is a 400 naming `body`. */
export function jsonBody(event: Pick<ApiEvent, 'body' | 'isBase64Encoded'>): unknown {
  if (event.body === undefined || event.body === '') {
    throw new ValidationError([{ field: 'body', message: 'a JSON body is required' }]);
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MalformedJsonError(error);
  }
}

/** The JSON body, or `{}` when there is none (routes whose every field is optional). */
export function optionalJsonBody(event: Pick<ApiEvent, 'body' | 'isBase64Encoded'>): unknown {
  return event.body === undefined || event.body === '' ? {} : jsonBody(event);
}

/** The tenant the authorizer resolved; its absence means the route was not authorized. */
export function tenantOf(event: Pick<ApiEvent, 'requestContext'>): string {
  const tenant = event.requestContext.authorizer?.lambda?.tenant;
  if (typeof tenant !== 'string' || tenant === '') throw new UnauthorizedError();
  return tenant;
}

export function pathParameter(event: Pick<ApiEvent, 'pathParameters'>, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === '') throw new ValidationError([{ field: name, message: 'is required in the path' }]);
  return decodeURIComponent(value);
}

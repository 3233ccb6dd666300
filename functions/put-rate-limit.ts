import { json } from '../shared/http/http-handler.js';
import { jsonBody, pathParameter, tenantOf } from '../shared/http/request.js';
import { putRateLimit } from '../shared/services/rate-limits.js';
import { apiFunction } from './api-function.js';

/** PUT /rate-limits/{type} {limit, per} → 200 with the limit and its use. */
export const { makeHandler, handler } = apiFunction(async (services, event) =>
  json(200, await putRateLimit(services.rateLimitDeps, tenantOf(event), pathParameter(event, 'type'), jsonBody(event))),
);

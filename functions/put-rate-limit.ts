import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, pathParameter, tenantOf } from '../shared/http/request.js';
import { putRateLimit } from '../shared/services/rate-limits.js';
import { rateLimitDeps } from '../shared/wiring.js';

/** PUT /rate-limits/{type} {limit, per} → 200 with the limit and its use. */
export const handler = httpHandler(async (event) =>
  json(200, await putRateLimit(rateLimitDeps(), tenantOf(event), pathParameter(event, 'type'), jsonBody(event))),
);

import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, pathParameter, tenantOf } from '../shared/http/request.js';
import { putRateLimit } from '../shared/services/rate-limits.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** PUT /rate-limits/{type} {limit, per} → 200 with the limit and its use. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) =>
  json(200, await putRateLimit(services().rateLimitDeps, tenantOf(event), pathParameter(event, 'type'), jsonBody(event))),
);

export const handler = makeHandler(servicesFromEnvironment());

import { httpHandler } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { deleteRateLimit } from '../shared/services/rate-limits.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** DELETE /rate-limits/{type} → 204; 404 when the type has no limit. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => {
  await deleteRateLimit(services().rateLimitDeps, tenantOf(event), pathParameter(event, 'type'));
  return { statusCode: 204, headers: {}, body: '' };
});

export const handler = makeHandler(servicesFromEnvironment());

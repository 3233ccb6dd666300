import { pathParameter, tenantOf } from '../shared/http/request.js';
import { deleteRateLimit } from '../shared/services/rate-limits.js';
import { apiFunction } from './api-function.js';

/** DELETE /rate-limits/{type} → 204; 404 when the type has no limit. */
export const { makeHandler, handler } = apiFunction(async (services, event) => {
  await deleteRateLimit(services.rateLimitDeps, tenantOf(event), pathParameter(event, 'type'));
  return { statusCode: 204, headers: {}, body: '' };
});

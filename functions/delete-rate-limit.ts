import { httpHandler } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { deleteRateLimit } from '../shared/services/rate-limits.js';
import { rateLimitDeps } from '../shared/wiring.js';

/** DELETE /rate-limits/{type} → 204; 404 when the type has no limit. */
export const handler = httpHandler(async (event) => {
  await deleteRateLimit(rateLimitDeps(), tenantOf(event), pathParameter(event, 'type'));
  return { statusCode: 204, headers: {}, body: '' };
});

import { httpHandler, json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listRateLimits } from '../shared/services/rate-limits.js';
import { rateLimitDeps } from '../shared/wiring.js';

/** GET /rate-limits → 200 `{items}`: each limit and what it uses now. */
export const handler = httpHandler(async (event) => json(200, { items: await listRateLimits(rateLimitDeps(), tenantOf(event)) }));

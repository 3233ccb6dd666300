import { json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listRateLimits } from '../shared/services/rate-limits.js';
import { apiFunction } from './api-function.js';

/** GET /rate-limits → 200 `{items}`: each limit and what it uses now. */
export const { makeHandler, handler } = apiFunction(async (services, event) => json(200, { items: await listRateLimits(services.rateLimitDeps, tenantOf(event)) }));

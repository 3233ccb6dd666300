import { json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listConcurrencyKeys, listRateLimits } from '../shared/services/rate-limits.js';
import { apiFunction } from './api-function.js';

/** GET /rate-limits → 200 `{items, concurrencyKeys}`: each limit and what it uses now, each concurrency key and its slots used. */
export const { makeHandler, handler } = apiFunction(async (services, event) => {
  const tenant = tenantOf(event);
  const [items, concurrencyKeys] = await Promise.all([listRateLimits(services.rateLimitDeps, tenant), listConcurrencyKeys(services.rateLimitDeps, tenant)]);
  return json(200, { items, concurrencyKeys });
});

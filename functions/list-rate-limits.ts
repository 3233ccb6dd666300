import { httpHandler, json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listRateLimits } from '../shared/services/rate-limits.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** GET /rate-limits → 200 `{items}`: each limit and what it uses now. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => json(200, { items: await listRateLimits(services().rateLimitDeps, tenantOf(event)) }));

export const handler = makeHandler(servicesFromEnvironment());

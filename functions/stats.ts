import { httpHandler, json } from '../shared/http/http-handler.js';
import { isOperator, tenantOf } from '../shared/http/request.js';
import { getStats } from '../shared/services/get-stats.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** GET /stats: the tenant's counts, throughput and queue-time percentiles; queue depths and circuits for an operator. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => json(200, await getStats(services().statsDeps(), tenantOf(event), { operator: isOperator(event) })));

export const handler = makeHandler(servicesFromEnvironment());

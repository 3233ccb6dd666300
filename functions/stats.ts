import { json } from '../shared/http/http-handler.js';
import { isOperator, tenantOf } from '../shared/http/request.js';
import { getStats } from '../shared/services/get-stats.js';
import { apiFunction } from './api-function.js';

/** GET /stats: the tenant's counts, throughput and queue-time percentiles; queue depths and circuits for an operator. */
export const { makeHandler, handler } = apiFunction(async (services, event) => json(200, await getStats(services.statsDeps(), tenantOf(event), { operator: isOperator(event) })));

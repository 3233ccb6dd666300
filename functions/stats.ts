import { httpHandler, json } from '../shared/http/http-handler.js';
import { isOperator, tenantOf } from '../shared/http/request.js';
import { getStats } from '../shared/services/get-stats.js';
import { statsDeps } from '../shared/wiring.js';

/** GET /stats: the tenant's counts, throughput and queue-time percentiles; queue depths and circuits for an operator. */
export const handler = httpHandler(async (event) => json(200, await getStats(statsDeps(), tenantOf(event), { operator: isOperator(event) })));

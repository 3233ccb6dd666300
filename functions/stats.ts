import { httpHandler, json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { getStats } from '../shared/services/get-stats.js';
import { statsDeps } from '../shared/wiring.js';

/** GET /stats: queue depths, counts by status, circuits, throughput and queue-time percentiles. */
export const handler = httpHandler(async (event) => json(200, await getStats(statsDeps(), tenantOf(event))));

import { httpHandler, json } from '../shared/http/http-handler.js';
import { isOperator, tenantOf } from '../shared/http/request.js';
import { getStats, parseStatsWindow } from '../shared/services/get-stats.js';
import { statsDeps } from '../shared/wiring.js';

/** GET /stats?window=hour|day: the tenant's counts, recent figures and per-minute series (no task history read); queue depths and circuits for an operator. */
export const handler = httpHandler(async (event) => json(200, await getStats(statsDeps(), tenantOf(event), { operator: isOperator(event), window: parseStatsWindow(event.queryStringParameters ?? {}) })));

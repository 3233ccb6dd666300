import { json } from '../shared/http/http-handler.js';
import { isOperator, tenantOf } from '../shared/http/request.js';
import { getStats, parseStatsWindow } from '../shared/services/get-stats.js';
import { apiFunction } from './api-function.js';

/** GET /stats?window=hour|day: the tenant's counts, recent figures and per-minute series (no task history read); queue depths and circuits for an operator. */
export const { makeHandler, handler } = apiFunction(async (services, event) =>
  json(200, await getStats(services.statsDeps(), tenantOf(event), { operator: isOperator(event), window: parseStatsWindow(event.queryStringParameters ?? {}) })),
);

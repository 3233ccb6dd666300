import { json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { listDeliveries } from '../shared/services/webhooks.js';
import { apiFunction } from './api-function.js';

/** GET /webhooks/{id}/deliveries?limit= → `{items}`: its deliveries that failed at least once, newest first. */
export const { makeHandler, handler } = apiFunction(async (services, event) =>
  json(200, await listDeliveries(services.webhookDeps(), tenantOf(event), pathParameter(event, 'id'), event.queryStringParameters ?? {})),
);

import { json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { redeliver } from '../shared/services/webhooks.js';
import { apiFunction } from './api-function.js';

/** POST /webhooks/{id}/deliveries/{deliveryId}/redeliver → 202 with the delivery, now `redelivering`; 409 unless it was given up. */
export const { makeHandler, handler } = apiFunction(async (services, event) =>
  json(202, await redeliver(services.webhookDeps(), tenantOf(event), pathParameter(event, 'id'), pathParameter(event, 'deliveryId'))),
);

import { json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { rotateWebhookSecret } from '../shared/services/webhooks.js';
import { apiFunction } from './api-function.js';

/** POST /webhooks/{id}/rotate-secret → 200 with the webhook and its new secret (shown this once). */
export const { makeHandler, handler } = apiFunction(async (services, event) =>
  json(200, await rotateWebhookSecret(services.webhookDeps(), tenantOf(event), pathParameter(event, 'id'))),
);

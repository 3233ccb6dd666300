import { pathParameter, tenantOf } from '../shared/http/request.js';
import { deleteWebhook } from '../shared/services/webhooks.js';
import { apiFunction } from './api-function.js';

/** DELETE /webhooks/{id} → 204; 404 for an unknown (or another tenant's) webhook. */
export const { makeHandler, handler } = apiFunction(async (services, event) => {
  await deleteWebhook(services.webhookDeps(), tenantOf(event), pathParameter(event, 'id'));
  return { statusCode: 204 };
});

import { httpHandler } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { deleteWebhook } from '../shared/services/webhooks.js';
import { webhookDeps } from '../shared/wiring.js';

/** DELETE /webhooks/{id} → 204; 404 for an unknown (or another tenant's) webhook. */
export const handler = httpHandler(async (event) => {
  await deleteWebhook(webhookDeps(), tenantOf(event), pathParameter(event, 'id'));
  return { statusCode: 204 };
});

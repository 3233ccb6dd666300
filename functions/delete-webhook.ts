import { httpHandler } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { deleteWebhook } from '../shared/services/webhooks.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** DELETE /webhooks/{id} → 204; 404 for an unknown (or another tenant's) webhook. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => {
  await deleteWebhook(services().webhookDeps(), tenantOf(event), pathParameter(event, 'id'));
  return { statusCode: 204 };
});

export const handler = makeHandler(servicesFromEnvironment());

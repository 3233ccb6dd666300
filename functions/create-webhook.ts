import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, tenantOf } from '../shared/http/request.js';
import { createWebhook } from '../shared/services/webhooks.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** POST /webhooks {url, events[], secret?} → 201 with the webhook and its secret (shown this once). */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => json(201, await createWebhook(services().webhookDeps(), tenantOf(event), jsonBody(event))));

export const handler = makeHandler(servicesFromEnvironment());

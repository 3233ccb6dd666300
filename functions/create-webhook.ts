import { json } from '../shared/http/http-handler.js';
import { jsonBody, tenantOf } from '../shared/http/request.js';
import { createWebhook } from '../shared/services/webhooks.js';
import { apiFunction } from './api-function.js';

/** POST /webhooks {url, events[], secret?} → 201 with the webhook and its secret (shown this once). */
export const { makeHandler, handler } = apiFunction(async (services, event) => json(201, await createWebhook(services.webhookDeps(), tenantOf(event), jsonBody(event))));

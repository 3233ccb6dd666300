import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, tenantOf } from '../shared/http/request.js';
import { createWebhook } from '../shared/services/webhooks.js';
import { webhookDeps } from '../shared/wiring.js';

/** POST /webhooks {url, events[], secret?} → 201 with the webhook and its secret (shown this once). */
export const handler = httpHandler(async (event) => json(201, await createWebhook(webhookDeps(), tenantOf(event), jsonBody(event))));

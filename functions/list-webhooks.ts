import { httpHandler, json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listWebhooks } from '../shared/services/webhooks.js';
import { webhookDeps } from '../shared/wiring.js';

/** GET /webhooks → `{items}`: each webhook with its last delivery's outcome; no secrets. */
export const handler = httpHandler(async (event) => json(200, await listWebhooks(webhookDeps(), tenantOf(event))));

import { json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listWebhooks } from '../shared/services/webhooks.js';
import { apiFunction } from './api-function.js';

/** GET /webhooks → `{items}`: each webhook with its last delivery's outcome; no secrets. */
export const { makeHandler, handler } = apiFunction(async (services, event) => json(200, await listWebhooks(services.webhookDeps(), tenantOf(event))));

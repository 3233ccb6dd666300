import { httpHandler, json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listWebhooks } from '../shared/services/webhooks.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** GET /webhooks → `{items}`: each webhook with its last delivery's outcome; no secrets. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => json(200, await listWebhooks(services().webhookDeps(), tenantOf(event))));

export const handler = makeHandler(servicesFromEnvironment());

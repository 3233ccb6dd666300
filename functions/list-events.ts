import { httpHandler, json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { readEvents } from '../shared/services/read-events.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** GET /events?after=&limit= → `{items, next}`: the tenant's recent events, oldest first. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => json(200, await readEvents(services().eventLogDeps(), tenantOf(event), event.queryStringParameters ?? {})));

export const handler = makeHandler(servicesFromEnvironment());

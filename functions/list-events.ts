import { httpHandler, json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { readEvents } from '../shared/services/read-events.js';
import { eventLogDeps } from '../shared/wiring.js';

/** GET /events?after=&limit= → `{items, next}`: the tenant's recent events, oldest first. */
export const handler = httpHandler(async (event) => json(200, await readEvents(eventLogDeps(), tenantOf(event), event.queryStringParameters ?? {})));

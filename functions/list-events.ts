import { json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { readEvents } from '../shared/services/read-events.js';
import { apiFunction } from './api-function.js';

/** GET /events?after=&limit= → `{items, next}`: the tenant's recent events, oldest first. */
export const { makeHandler, handler } = apiFunction(async (services, event) => json(200, await readEvents(services.eventLogDeps(), tenantOf(event), event.queryStringParameters ?? {})));

import { json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { getAgent } from '../shared/services/list-agents.js';
import { apiFunction } from './api-function.js';

/** GET /workers/{id}: one agent, its load and running tasks. */
export const { makeHandler, handler } = apiFunction(async (services, event) => json(200, await getAgent(services.listDeps(), tenantOf(event), pathParameter(event, 'id'))));

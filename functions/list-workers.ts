import { json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listAgents } from '../shared/services/list-agents.js';
import { apiFunction } from './api-function.js';

/** GET /workers → `{items}`: the tenant's agents with their load and running tasks. */
export const { makeHandler, handler } = apiFunction(async (services, event) => json(200, await listAgents(services.listDeps(), tenantOf(event))));

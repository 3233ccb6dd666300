import { httpHandler, json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listAgents } from '../shared/services/list-agents.js';
import { listDeps } from '../shared/wiring.js';

/** GET /workers → `{items}`: the tenant's agents with their load and running tasks. */
export const handler = httpHandler(async (event) => json(200, await listAgents(listDeps(), tenantOf(event))));

import { httpHandler, json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { getAgent } from '../shared/services/list-agents.js';
import { listDeps } from '../shared/wiring.js';

/** GET /workers/{id}: one agent, its load and running tasks. */
export const handler = httpHandler(async (event) => json(200, await getAgent(listDeps(), tenantOf(event), pathParameter(event, 'id'))));

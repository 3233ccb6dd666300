import { httpHandler, json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { agentHeartbeat } from '../shared/services/agents.js';
import { agentDeps } from '../shared/wiring.js';

/** POST /workers/{id}/heartbeat → the agent, online. */
export const handler = httpHandler(async (event) => json(200, await agentHeartbeat(agentDeps(), tenantOf(event), pathParameter(event, 'id'))));

import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, pathParameter, tenantOf } from '../shared/http/request.js';
import { agentHeartbeat } from '../shared/services/agents.js';
import { agentDeps } from '../shared/wiring.js';

/** POST /workers/{id}/heartbeat {running?: task ids} → the agent, online. A body is optional. */
export const handler = httpHandler(async (event) =>
  json(200, await agentHeartbeat(agentDeps(), tenantOf(event), pathParameter(event, 'id'), event.body === undefined || event.body === '' ? {} : jsonBody(event))),
);

import { json } from '../shared/http/http-handler.js';
import { jsonBody, pathParameter, tenantOf } from '../shared/http/request.js';
import { agentHeartbeat } from '../shared/services/agents.js';
import { apiFunction } from './api-function.js';

/** POST /workers/{id}/heartbeat {running?: task ids} → the agent, online. A body is optional. */
export const { makeHandler, handler } = apiFunction(async (services, event) =>
  json(200, await agentHeartbeat(services.agentDeps, tenantOf(event), pathParameter(event, 'id'), event.body === undefined || event.body === '' ? {} : jsonBody(event))),
);

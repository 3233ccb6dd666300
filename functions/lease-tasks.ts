import { json } from '../shared/http/http-handler.js';
import { optionalJsonBody, pathParameter, tenantOf } from '../shared/http/request.js';
import { leaseTasks } from '../shared/services/agents.js';
import { apiFunction } from './api-function.js';

/** POST /workers/{id}/lease {max, waitSeconds} → {tasks: [{id, type, payload, leaseToken, leaseExpiresAt, …}]}. */
export const { makeHandler, handler } = apiFunction(async (services, event) => {
  const tasks = await leaseTasks(services.agentDeps, tenantOf(event), pathParameter(event, 'id'), optionalJsonBody(event));
  return json(200, { tasks });
});

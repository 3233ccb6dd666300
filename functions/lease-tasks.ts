import { httpHandler, json } from '../shared/http/http-handler.js';
import { optionalJsonBody, pathParameter, tenantOf } from '../shared/http/request.js';
import { leaseTasks } from '../shared/services/agents.js';
import { agentDeps } from '../shared/wiring.js';

/** POST /workers/{id}/lease {max, waitSeconds} → {tasks: [{id, type, payload, leaseToken, leaseExpiresAt, …}]}. */
export const handler = httpHandler(async (event) => {
  const tasks = await leaseTasks(agentDeps(), tenantOf(event), pathParameter(event, 'id'), optionalJsonBody(event));
  return json(200, { tasks });
});

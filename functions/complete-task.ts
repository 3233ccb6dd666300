import { toTaskView } from '../shared/domain/task.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, pathParameter, tenantOf } from '../shared/http/request.js';
import { completeTask } from '../shared/services/lease-calls.js';
import { agentDeps } from '../shared/wiring.js';

/** POST /tasks/{id}/complete {leaseToken, result} → the COMPLETED task; 409 for a stale token. */
export const handler = httpHandler(async (event) => {
  const outcome = await completeTask(agentDeps(), tenantOf(event), pathParameter(event, 'id'), jsonBody(event));
  return json(200, toTaskView(outcome));
});

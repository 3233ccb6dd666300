import { toTaskView } from '../shared/domain/task.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, pathParameter, tenantOf } from '../shared/http/request.js';
import { failTask } from '../shared/services/lease-calls.js';
import { agentDeps } from '../shared/wiring.js';

/** POST /tasks/{id}/fail {leaseToken, error, retryable, release} → the task after the failed attempt. */
export const handler = httpHandler(async (event) => {
  const outcome = await failTask(agentDeps(), tenantOf(event), pathParameter(event, 'id'), jsonBody(event));
  return json(200, toTaskView(outcome));
});

import { toTaskView } from '../shared/domain/task.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, pathParameter, tenantOf } from '../shared/http/request.js';
import { reportProgress } from '../shared/services/lease-calls.js';
import { agentDeps } from '../shared/wiring.js';

/** POST /tasks/{id}/progress {leaseToken, fraction, message} → the task. */
export const handler = httpHandler(async (event) => {
  const outcome = await reportProgress(agentDeps(), tenantOf(event), pathParameter(event, 'id'), jsonBody(event));
  return json(200, toTaskView(outcome));
});

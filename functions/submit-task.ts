import { toTaskView } from '../shared/domain/task.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, tenantOf } from '../shared/http/request.js';
import { submitTask } from '../shared/services/submit-tasks.js';
import { awsServices } from '../shared/wiring.js';

/** POST /tasks → 202 (new) or 200 (replayed idempotencyKey) with `{id, status, pool, priority}`. */
export const handler = httpHandler(async (event) => {
  const { created, task } = await submitTask(awsServices(), tenantOf(event), jsonBody(event));
  const { id, status, pool, priority } = toTaskView(task);
  return json(created ? 202 : 200, { id, status, pool, priority });
});

import { toTaskView } from '../shared/domain/task.js';
import { json } from '../shared/http/http-handler.js';
import { jsonBody, tenantOf } from '../shared/http/request.js';
import { submitTask } from '../shared/services/submit-tasks.js';
import { apiFunction } from './api-function.js';

/** POST /tasks → 202 (new) or 200 (replayed idempotencyKey) with `{id, status, pool, priority}`. */
export const { makeHandler, handler } = apiFunction(async (services, event) => {
  const { created, task } = await submitTask(services.taskDeps, tenantOf(event), jsonBody(event));
  const { id, status, pool, priority } = toTaskView(task);
  return json(created ? 202 : 200, { id, status, pool, priority });
});

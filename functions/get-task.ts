import { toTaskView } from '../shared/domain/task.js';
import { json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { getTaskView } from '../shared/services/read-tasks.js';
import { apiFunction } from './api-function.js';

/** GET /tasks/{id}[?include=payload|result]: the task, large values inlined on request; 404 also for another tenant's task. */
export const { makeHandler, handler } = apiFunction(async (services, event) => {
  const task = await getTaskView(services.taskDeps, tenantOf(event), pathParameter(event, 'id'), event.queryStringParameters?.include);
  return json(200, toTaskView(task));
});

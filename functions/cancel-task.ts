import { toTaskView } from '../shared/domain/task.js';
import { json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { cancelTask } from '../shared/services/cancel-task.js';
import { apiFunction } from './api-function.js';

/** DELETE /tasks/{id} → 200 with the CANCELLED task; 409 when it already finished. */
export const { makeHandler, handler } = apiFunction(async (services, event) => {
  const task = await cancelTask(services.taskDeps, tenantOf(event), pathParameter(event, 'id'));
  return json(200, toTaskView(task));
});

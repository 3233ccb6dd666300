import { toTaskView } from '../shared/domain/task.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { getTask } from '../shared/services/read-tasks.js';
import { awsServices } from '../shared/wiring.js';

/** GET /tasks/{id}: the task, or 404 (also for another tenant's task). */
export const handler = httpHandler(async (event) => {
  const task = await getTask(awsServices(), tenantOf(event), pathParameter(event, 'id'));
  return json(200, toTaskView(task));
});

import { json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listTasks } from '../shared/services/read-tasks.js';
import { apiFunction } from './api-function.js';

/** GET /tasks?status=&pool=&limit=&cursor= → `{items, nextCursor?}`. */
export const { makeHandler, handler } = apiFunction(async (services, event) => {
  const page = await listTasks(services.taskDeps, tenantOf(event), event.queryStringParameters ?? {});
  return json(200, page);
});

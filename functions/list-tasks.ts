import { httpHandler, json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listTasks } from '../shared/services/read-tasks.js';
import { awsServices } from '../shared/wiring.js';

/** GET /tasks?status=&pool=&limit=&cursor= → `{items, nextCursor?}`. */
export const handler = httpHandler(async (event) => {
  const page = await listTasks(awsServices(), tenantOf(event), event.queryStringParameters ?? {});
  return json(200, page);
});

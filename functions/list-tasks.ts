import { httpHandler, json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listTasks } from '../shared/services/read-tasks.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** GET /tasks?status=&pool=&limit=&cursor= → `{items, nextCursor?}`. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => {
  const page = await listTasks(services().taskDeps, tenantOf(event), event.queryStringParameters ?? {});
  return json(200, page);
});

export const handler = makeHandler(servicesFromEnvironment());

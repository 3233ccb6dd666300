import { toTaskView } from '../shared/domain/task.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, tenantOf } from '../shared/http/request.js';
import { submitTask } from '../shared/services/submit-tasks.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** POST /tasks → 202 (new) or 200 (replayed idempotencyKey) with `{id, status, pool, priority}`. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => {
  const { created, task } = await submitTask(services().taskDeps, tenantOf(event), jsonBody(event));
  const { id, status, pool, priority } = toTaskView(task);
  return json(created ? 202 : 200, { id, status, pool, priority });
});

export const handler = makeHandler(servicesFromEnvironment());

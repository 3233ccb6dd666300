import { toTaskView } from '../shared/domain/task.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { cancelTask } from '../shared/services/cancel-task.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** DELETE /tasks/{id} → 200 with the CANCELLED task; 409 when it already finished. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => {
  const task = await cancelTask(services().taskDeps, tenantOf(event), pathParameter(event, 'id'));
  return json(200, toTaskView(task));
});

export const handler = makeHandler(servicesFromEnvironment());

import { toTaskView } from '../shared/domain/task.js';
import { json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { runScheduleNow } from '../shared/services/schedules.js';
import { apiFunction } from './api-function.js';

/** POST /schedules/{id}/run → 202 with the submitted task's `{id, status, pool, priority}`; the schedule's next run stays. */
export const { makeHandler, handler } = apiFunction(async (services, event) => {
  const { id, status, pool, priority } = toTaskView(await runScheduleNow(services.scheduleDeps(), tenantOf(event), pathParameter(event, 'id')));
  return json(202, { id, status, pool, priority });
});

import { httpHandler } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { deleteSchedule } from '../shared/services/schedules.js';
import { scheduleDeps } from '../shared/wiring.js';

/** DELETE /schedules/{id} → 204; runs already submitted carry on. */
export const handler = httpHandler(async (event) => {
  await deleteSchedule(scheduleDeps(), tenantOf(event), pathParameter(event, 'id'));
  return { statusCode: 204, headers: {}, body: '' };
});

import { pathParameter, tenantOf } from '../shared/http/request.js';
import { deleteSchedule } from '../shared/services/schedules.js';
import { apiFunction } from './api-function.js';

/** DELETE /schedules/{id} → 204; runs already submitted carry on. */
export const { makeHandler, handler } = apiFunction(async (services, event) => {
  await deleteSchedule(services.scheduleDeps(), tenantOf(event), pathParameter(event, 'id'));
  return { statusCode: 204, headers: {}, body: '' };
});

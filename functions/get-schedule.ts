import { toScheduleView } from '../shared/domain/schedule.js';
import { json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { getSchedule } from '../shared/services/schedules.js';
import { apiFunction } from './api-function.js';

/** GET /schedules/{id}: the schedule, its nextRunAt, last run and counts. */
export const { makeHandler, handler } = apiFunction(async (services, event) =>
  json(200, toScheduleView(await getSchedule(services.scheduleDeps(), tenantOf(event), pathParameter(event, 'id')))),
);

import { toScheduleView } from '../shared/domain/schedule.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { getSchedule } from '../shared/services/schedules.js';
import { scheduleDeps } from '../shared/wiring.js';

/** GET /schedules/{id}: the schedule, its nextRunAt, last run and counts. */
export const handler = httpHandler(async (event) =>
  json(200, toScheduleView(await getSchedule(scheduleDeps(), tenantOf(event), pathParameter(event, 'id')))),
);

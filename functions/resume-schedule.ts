import { toScheduleView } from '../shared/domain/schedule.js';
import { json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { resumeSchedule } from '../shared/services/schedules.js';
import { apiFunction } from './api-function.js';

/** POST /schedules/{id}/resume → 200 with the schedule and its new nextRunAt. */
export const { makeHandler, handler } = apiFunction(async (services, event) =>
  json(200, toScheduleView(await resumeSchedule(services.scheduleDeps(), tenantOf(event), pathParameter(event, 'id')))),
);

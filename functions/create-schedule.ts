import { toScheduleView } from '../shared/domain/schedule.js';
import { json } from '../shared/http/http-handler.js';
import { jsonBody, tenantOf } from '../shared/http/request.js';
import { createSchedule } from '../shared/services/schedules.js';
import { apiFunction } from './api-function.js';

/** POST /schedules → 201 with the schedule, its id and nextRunAt. */
export const { makeHandler, handler } = apiFunction(async (services, event) =>
  json(201, toScheduleView(await createSchedule(services.scheduleDeps(), tenantOf(event), jsonBody(event)))),
);

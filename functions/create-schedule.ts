import { toScheduleView } from '../shared/domain/schedule.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, tenantOf } from '../shared/http/request.js';
import { createSchedule } from '../shared/services/schedules.js';
import { scheduleDeps } from '../shared/wiring.js';

/** POST /schedules → 201 with the schedule, its id and nextRunAt. */
export const handler = httpHandler(async (event) =>
  json(201, toScheduleView(await createSchedule(scheduleDeps(), tenantOf(event), jsonBody(event)))),
);

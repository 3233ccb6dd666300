import { toScheduleView } from '../shared/domain/schedule.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { resumeSchedule } from '../shared/services/schedules.js';
import { scheduleDeps } from '../shared/wiring.js';

/** POST /schedules/{id}/resume → 200 with the schedule and its new nextRunAt. */
export const handler = httpHandler(async (event) =>
  json(200, toScheduleView(await resumeSchedule(scheduleDeps(), tenantOf(event), pathParameter(event, 'id')))),
);

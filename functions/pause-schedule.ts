import { toScheduleView } from '../shared/domain/schedule.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { pauseSchedule } from '../shared/services/schedules.js';
import { scheduleDeps } from '../shared/wiring.js';

/** POST /schedules/{id}/pause → 200 with the paused schedule (no nextRunAt). */
export const handler = httpHandler(async (event) =>
  json(200, toScheduleView(await pauseSchedule(scheduleDeps(), tenantOf(event), pathParameter(event, 'id')))),
);

import { toScheduleView } from '../shared/domain/schedule.js';
import { json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { pauseSchedule } from '../shared/services/schedules.js';
import { apiFunction } from './api-function.js';

/** POST /schedules/{id}/pause → 200 with the paused schedule (no nextRunAt). */
export const { makeHandler, handler } = apiFunction(async (services, event) =>
  json(200, toScheduleView(await pauseSchedule(services.scheduleDeps(), tenantOf(event), pathParameter(event, 'id')))),
);

import { toScheduleView } from '../shared/domain/schedule.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { pauseSchedule } from '../shared/services/schedules.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** POST /schedules/{id}/pause → 200 with the paused schedule (no nextRunAt). */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) =>
  json(200, toScheduleView(await pauseSchedule(services().scheduleDeps(), tenantOf(event), pathParameter(event, 'id')))),
);

export const handler = makeHandler(servicesFromEnvironment());

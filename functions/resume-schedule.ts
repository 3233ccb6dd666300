import { toScheduleView } from '../shared/domain/schedule.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { resumeSchedule } from '../shared/services/schedules.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** POST /schedules/{id}/resume → 200 with the schedule and its new nextRunAt. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) =>
  json(200, toScheduleView(await resumeSchedule(services().scheduleDeps(), tenantOf(event), pathParameter(event, 'id')))),
);

export const handler = makeHandler(servicesFromEnvironment());

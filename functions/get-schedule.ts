import { toScheduleView } from '../shared/domain/schedule.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { getSchedule } from '../shared/services/schedules.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** GET /schedules/{id}: the schedule, its nextRunAt, last run and counts. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) =>
  json(200, toScheduleView(await getSchedule(services().scheduleDeps(), tenantOf(event), pathParameter(event, 'id')))),
);

export const handler = makeHandler(servicesFromEnvironment());

import { toScheduleView } from '../shared/domain/schedule.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, tenantOf } from '../shared/http/request.js';
import { createSchedule } from '../shared/services/schedules.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** POST /schedules → 201 with the schedule, its id and nextRunAt. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) =>
  json(201, toScheduleView(await createSchedule(services().scheduleDeps(), tenantOf(event), jsonBody(event)))),
);

export const handler = makeHandler(servicesFromEnvironment());

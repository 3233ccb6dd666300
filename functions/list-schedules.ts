import { toScheduleView } from '../shared/domain/schedule.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listSchedules } from '../shared/services/schedules.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** GET /schedules → 200 `{items}`, oldest first. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) =>
  json(200, { items: (await listSchedules(services().scheduleDeps(), tenantOf(event))).map(toScheduleView) }),
);

export const handler = makeHandler(servicesFromEnvironment());

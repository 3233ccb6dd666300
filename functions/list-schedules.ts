import { toScheduleView } from '../shared/domain/schedule.js';
import { json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listSchedules } from '../shared/services/schedules.js';
import { apiFunction } from './api-function.js';

/** GET /schedules → 200 `{items}`, oldest first. */
export const { makeHandler, handler } = apiFunction(async (services, event) =>
  json(200, { items: (await listSchedules(services.scheduleDeps(), tenantOf(event))).map(toScheduleView) }),
);

import { toScheduleView } from '../shared/domain/schedule.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listSchedules } from '../shared/services/schedules.js';
import { scheduleDeps } from '../shared/wiring.js';

/** GET /schedules → 200 `{items}`, oldest first. */
export const handler = httpHandler(async (event) =>
  json(200, { items: (await listSchedules(scheduleDeps(), tenantOf(event))).map(toScheduleView) }),
);

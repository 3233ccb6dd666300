import { httpHandler } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { deleteSchedule } from '../shared/services/schedules.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** DELETE /schedules/{id} → 204; runs already submitted carry on. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => {
  await deleteSchedule(services().scheduleDeps(), tenantOf(event), pathParameter(event, 'id'));
  return { statusCode: 204, headers: {}, body: '' };
});

export const handler = makeHandler(servicesFromEnvironment());

import { httpHandler, json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { cancelJob } from '../shared/services/jobs.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** DELETE /jobs/{id}: CANCELLED with its pending children; 409 when already finished. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => json(200, await cancelJob(services().jobDeps, tenantOf(event), pathParameter(event, 'id'))));

export const handler = makeHandler(servicesFromEnvironment());

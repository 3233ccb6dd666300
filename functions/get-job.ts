import { httpHandler, json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { getJob } from '../shared/services/jobs.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** GET /jobs/{id}[?include=result]: status, counts, progress, stages, result (a large one inlined on request). */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => json(200, await getJob(services().jobDeps, tenantOf(event), pathParameter(event, 'id'), event.queryStringParameters?.include)));

export const handler = makeHandler(servicesFromEnvironment());

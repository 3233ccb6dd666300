import { httpHandler, json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listJobs } from '../shared/services/list-jobs.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** GET /jobs?limit=&cursor= → `{items, nextCursor?}`, newest first. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => json(200, await listJobs(services().listDeps(), tenantOf(event), event.queryStringParameters ?? {})));

export const handler = makeHandler(servicesFromEnvironment());

import { json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listJobs } from '../shared/services/list-jobs.js';
import { apiFunction } from './api-function.js';

/** GET /jobs?limit=&cursor= → `{items, nextCursor?}`, newest first. */
export const { makeHandler, handler } = apiFunction(async (services, event) => json(200, await listJobs(services.listDeps(), tenantOf(event), event.queryStringParameters ?? {})));

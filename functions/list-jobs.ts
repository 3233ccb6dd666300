import { httpHandler, json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listJobs } from '../shared/services/list-jobs.js';
import { listDeps } from '../shared/wiring.js';

/** GET /jobs?limit=&cursor= → `{items, nextCursor?}`, newest first. */
export const handler = httpHandler(async (event) => json(200, await listJobs(listDeps(), tenantOf(event), event.queryStringParameters ?? {})));

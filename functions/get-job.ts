import { httpHandler, json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { getJob } from '../shared/services/jobs.js';
import { jobDeps } from '../shared/wiring.js';

/** GET /jobs/{id}: status, counts, progress, stages, result. */
export const handler = httpHandler(async (event) => json(200, await getJob(jobDeps(), tenantOf(event), pathParameter(event, 'id'))));

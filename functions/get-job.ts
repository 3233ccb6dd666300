import { httpHandler, json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { getJob } from '../shared/services/jobs.js';
import { jobDeps } from '../shared/wiring.js';

/** GET /jobs/{id}[?include=result]: status, counts, progress, stages, result (a large one inlined on request). */
export const handler = httpHandler(async (event) => json(200, await getJob(jobDeps(), tenantOf(event), pathParameter(event, 'id'), event.queryStringParameters?.include)));

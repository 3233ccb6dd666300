import { json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { getJob } from '../shared/services/jobs.js';
import { apiFunction } from './api-function.js';

/** GET /jobs/{id}[?include=result]: status, counts, progress, stages, result (a large one inlined on request). */
export const { makeHandler, handler } = apiFunction(async (services, event) => json(200, await getJob(services.jobDeps, tenantOf(event), pathParameter(event, 'id'), event.queryStringParameters?.include)));

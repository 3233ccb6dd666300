import { json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { cancelJob } from '../shared/services/jobs.js';
import { apiFunction } from './api-function.js';

/** DELETE /jobs/{id}: CANCELLED with its pending children; 409 when already finished. */
export const { makeHandler, handler } = apiFunction(async (services, event) => json(200, await cancelJob(services.jobDeps, tenantOf(event), pathParameter(event, 'id'))));

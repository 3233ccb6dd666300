import { httpHandler, json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { cancelJob } from '../shared/services/jobs.js';
import { jobDeps } from '../shared/wiring.js';

/** DELETE /jobs/{id}: CANCELLED with its pending children; 409 when already finished. */
export const handler = httpHandler(async (event) => json(200, await cancelJob(jobDeps(), tenantOf(event), pathParameter(event, 'id'))));

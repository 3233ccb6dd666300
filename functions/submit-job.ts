import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, tenantOf } from '../shared/http/request.js';
import { submitJob } from '../shared/services/jobs.js';
import { jobDeps } from '../shared/wiring.js';

/** POST /jobs {map: {type, items}, reduce?, then?, priority, requires, failurePolicy} → 202 {id, status, total}. */
export const handler = httpHandler(async (event) => {
  const job = await submitJob(jobDeps(), tenantOf(event), jsonBody(event));
  return json(202, { id: job.id, status: job.status, total: job.total, pool: job.pool });
});

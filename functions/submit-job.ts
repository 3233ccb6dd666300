import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, tenantOf } from '../shared/http/request.js';
import { submitJob } from '../shared/services/jobs.js';
import { jobDeps } from '../shared/wiring.js';

/**
 * POST /jobs {map: {type, items}, reduce?, then?, priority, requires, failurePolicy, idempotencyKey?}
 * → 202 {id, status, total, pool}; 200 with the same job for a replayed idempotencyKey.
 */
export const handler = httpHandler(async (event) => {
  const job = await submitJob(jobDeps(), tenantOf(event), jsonBody(event));
  return json(job.created ? 202 : 200, { id: job.id, status: job.status, total: job.total, pool: job.pool });
});

import { json } from '../shared/http/http-handler.js';
import { jsonBody, tenantOf } from '../shared/http/request.js';
import { submitJob } from '../shared/services/jobs.js';
import { apiFunction } from './api-function.js';

/**
 * POST /jobs {map: {type, items}, reduce?, then?, priority, requires, failurePolicy, idempotencyKey?}
 * → 202 {id, status, total, pool}; 200 with the same job for a replayed idempotencyKey.
 */
export const { makeHandler, handler } = apiFunction(async (services, event) => {
  const job = await submitJob(services.jobDeps, tenantOf(event), jsonBody(event));
  return json(job.created ? 202 : 200, { id: job.id, status: job.status, total: job.total, pool: job.pool });
});

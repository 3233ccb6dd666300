import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, tenantOf } from '../shared/http/request.js';
import { submitJob } from '../shared/services/jobs.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/**
 * POST /jobs {map: {type, items}, reduce?, then?, priority, requires, failurePolicy, idempotencyKey?}
 * → 202 {id, status, total, pool}; 200 with the same job for a replayed idempotencyKey.
 */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => {
  const job = await submitJob(services().jobDeps, tenantOf(event), jsonBody(event));
  return json(job.created ? 202 : 200, { id: job.id, status: job.status, total: job.total, pool: job.pool });
});

export const handler = makeHandler(servicesFromEnvironment());

import { json } from '../shared/http/http-handler.js';
import { jsonBody, pathParameter, tenantOf } from '../shared/http/request.js';
import { heartbeatTask } from '../shared/services/lease-calls.js';
import { apiFunction } from './api-function.js';

/** POST /tasks/{id}/heartbeat {leaseToken}: the lease lasts another timeout → {leaseExpiresAt}. */
export const { makeHandler, handler } = apiFunction(async (services, event) =>
  json(200, await heartbeatTask(services.agentDeps, tenantOf(event), pathParameter(event, 'id'), jsonBody(event))),
);

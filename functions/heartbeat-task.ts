import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, pathParameter, tenantOf } from '../shared/http/request.js';
import { heartbeatTask } from '../shared/services/lease-calls.js';
import { agentDeps } from '../shared/wiring.js';

/** POST /tasks/{id}/heartbeat {leaseToken}: the lease lasts another timeout → {leaseExpiresAt}. */
export const handler = httpHandler(async (event) =>
  json(200, await heartbeatTask(agentDeps(), tenantOf(event), pathParameter(event, 'id'), jsonBody(event))),
);

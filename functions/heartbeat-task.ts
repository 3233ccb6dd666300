import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, pathParameter, tenantOf } from '../shared/http/request.js';
import { heartbeatTask } from '../shared/services/lease-calls.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** POST /tasks/{id}/heartbeat {leaseToken}: the lease lasts another timeout → {leaseExpiresAt}. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) =>
  json(200, await heartbeatTask(services().agentDeps, tenantOf(event), pathParameter(event, 'id'), jsonBody(event))),
);

export const handler = makeHandler(servicesFromEnvironment());

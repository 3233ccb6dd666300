import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, pathParameter, tenantOf } from '../shared/http/request.js';
import { agentHeartbeat } from '../shared/services/agents.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** POST /workers/{id}/heartbeat {running?: task ids} → the agent, online. A body is optional. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) =>
  json(200, await agentHeartbeat(services().agentDeps, tenantOf(event), pathParameter(event, 'id'), event.body === undefined || event.body === '' ? {} : jsonBody(event))),
);

export const handler = makeHandler(servicesFromEnvironment());

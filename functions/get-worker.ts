import { httpHandler, json } from '../shared/http/http-handler.js';
import { pathParameter, tenantOf } from '../shared/http/request.js';
import { getAgent } from '../shared/services/list-agents.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** GET /workers/{id}: one agent, its load and running tasks. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => json(200, await getAgent(services().listDeps(), tenantOf(event), pathParameter(event, 'id'))));

export const handler = makeHandler(servicesFromEnvironment());

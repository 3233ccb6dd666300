import { httpHandler, json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listAgents } from '../shared/services/list-agents.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** GET /workers → `{items}`: the tenant's agents with their load and running tasks. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => json(200, await listAgents(services().listDeps(), tenantOf(event))));

export const handler = makeHandler(servicesFromEnvironment());

import { httpHandler, json } from '../shared/http/http-handler.js';
import { optionalJsonBody, pathParameter, tenantOf } from '../shared/http/request.js';
import { leaseTasks } from '../shared/services/agents.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** POST /workers/{id}/lease {max, waitSeconds} → {tasks: [{id, type, payload, leaseToken, leaseExpiresAt, …}]}. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => {
  const tasks = await leaseTasks(services().agentDeps, tenantOf(event), pathParameter(event, 'id'), optionalJsonBody(event));
  return json(200, { tasks });
});

export const handler = makeHandler(servicesFromEnvironment());

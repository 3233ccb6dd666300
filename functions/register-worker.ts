import { AGENT_HEARTBEAT_SECONDS } from '../shared/domain/agent.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, tenantOf } from '../shared/http/request.js';
import { registerAgent } from '../shared/services/agents.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** POST /workers {capabilities, capacity, weight, labels} → 201 {id, …, pools, heartbeatIntervalSeconds}. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => {
  const agent = await registerAgent(services().agentDeps, tenantOf(event), jsonBody(event));
  return json(201, { ...agent, heartbeatIntervalSeconds: AGENT_HEARTBEAT_SECONDS });
});

export const handler = makeHandler(servicesFromEnvironment());

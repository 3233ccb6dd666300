import { AGENT_HEARTBEAT_SECONDS } from '../shared/domain/agent.js';
import { json } from '../shared/http/http-handler.js';
import { jsonBody, tenantOf } from '../shared/http/request.js';
import { registerAgent } from '../shared/services/agents.js';
import { apiFunction } from './api-function.js';

/** POST /workers {capabilities, capacity, weight, labels} → 201 {id, …, pools, heartbeatIntervalSeconds}. */
export const { makeHandler, handler } = apiFunction(async (services, event) => {
  const agent = await registerAgent(services.agentDeps, tenantOf(event), jsonBody(event));
  return json(201, { ...agent, heartbeatIntervalSeconds: AGENT_HEARTBEAT_SECONDS });
});

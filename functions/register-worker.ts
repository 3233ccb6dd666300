import { AGENT_HEARTBEAT_SECONDS, toAgentView } from '../shared/domain/agent.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, tenantOf } from '../shared/http/request.js';
import { registerAgent } from '../shared/services/agents.js';
import { agentDeps } from '../shared/wiring.js';

/** POST /workers {capabilities, capacity, labels} → 201 {id, …, heartbeatIntervalSeconds}. */
export const handler = httpHandler(async (event) => {
  const agent = await registerAgent(agentDeps(), tenantOf(event), jsonBody(event));
  return json(201, { ...toAgentView(agent, new Date()), heartbeatIntervalSeconds: AGENT_HEARTBEAT_SECONDS });
});

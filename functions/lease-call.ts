import { toTaskView, type Task } from '../shared/domain/task.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, pathParameter, tenantOf } from '../shared/http/request.js';
import type { AgentDeps } from '../shared/services/agents.js';
import { agentDeps } from '../shared/wiring.js';

/** The handler of a lease-token call on `/tasks/{id}/…`: the task after the call. */
export function leaseCallHandler(call: (deps: AgentDeps, tenant: string, id: string, body: unknown) => Promise<Task>): ReturnType<typeof httpHandler> {
  return httpHandler(async (event) => json(200, toTaskView(await call(agentDeps(), tenantOf(event), pathParameter(event, 'id'), jsonBody(event)))));
}

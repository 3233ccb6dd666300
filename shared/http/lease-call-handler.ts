import { toTaskView, type Task } from '../domain/task.js';
import type { AgentDeps } from '../services/agents.js';
import { agentDeps } from '../wiring.js';
import { httpHandler, json } from './http-handler.js';
import { jsonBody, pathParameter, tenantOf } from './request.js';

/** The handler of a lease-token call on `/tasks/{id}/…`: the task after the call. */
export function leaseCallHandler(call: (deps: AgentDeps, tenant: string, id: string, body: unknown) => Promise<Task>): ReturnType<typeof httpHandler> {
  return httpHandler(async (event) => json(200, toTaskView(await call(agentDeps(), tenantOf(event), pathParameter(event, 'id'), jsonBody(event)))));
}
